"""``/api/integrations``: the integrations the hub knows, whether the community's vote lets
each run and under which funding model, how they are set up, their texts for the web app
(``/api/translations/{language}``) and the pages plugins add to it (``/api/panels``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

from ...auth.permissions import Action
from ...exceptions import IntegrationError
from ...loader.integration import DEFAULT_LANGUAGE, FALLBACK_LANGUAGE
from .. import access
from ..view import hub_of, json_response, not_found
from .config import entry_json

if TYPE_CHECKING:
    from ...community.proposals import ProposalEntry
    from ...hub import Hub
    from ...loader.integration import Integration

routes = web.RouteTableDef()

LANGUAGES: Final = (DEFAULT_LANGUAGE, FALLBACK_LANGUAGE)


def _texts(integration: Integration, language: str) -> dict[str, Any]:
    """The integration's texts; none when its files are broken (the catalog reports that)."""
    try:
        return integration.translations(language)
    except IntegrationError:
        return {}


def _proposal_json(proposal: ProposalEntry | None) -> dict[str, Any] | None:
    if proposal is None:
        return None
    return {
        "id": proposal.id,
        "title": proposal.title,
        "action": proposal.action,
        "decided_at": proposal.decided_at,
    }


def integration_json(
    hub: Hub, integration: Integration, language: str, entries: list[dict[str, Any]]
) -> dict[str, Any]:
    """One integration as the web app shows it."""
    domain, manifest = integration.domain, integration.manifest
    governance = hub.governance
    return {
        "domain": domain,
        "name": _texts(integration, language).get("name") or manifest.name,
        "integration_type": manifest.integration_type,
        "config_flow": manifest.config_flow,
        "builtin": integration.builtin,
        "version": manifest.version,
        "vendor": manifest.vendor,
        "data_categories": list(manifest.data_categories),
        "funding": list(manifest.funding),
        "funding_model": governance.funding_model(domain) if manifest.funding else None,
        "allowed": governance.may_run(domain),
        "refusal": governance.refusal(domain),
        "decided_by": _proposal_json(governance.latest_passed(domain)),
        "state": hub.integrations.state(domain),
        "failure": hub.integrations.failures.get(domain),
        "entries": entries,
    }


def _language(request: web.Request) -> str:
    language = request.query.get("language", DEFAULT_LANGUAGE)
    return language if language in LANGUAGES else FALLBACK_LANGUAGE


@routes.get("/api/integrations")
async def list_integrations(request: web.Request) -> web.Response:
    """Every integration in the catalog, by domain, with the entries the caller may see."""
    hub = hub_of(request)
    who = access.who(request)
    language = _language(request)
    return json_response(
        [
            integration_json(
                hub,
                integration,
                language,
                [
                    entry_json(entry)
                    for entry in hub.config_entries.entries(integration.domain)
                    if who.may(Action.read_config_entries, entry)
                ],
            )
            for integration in sorted(hub.integrations.catalog.all(), key=lambda i: i.domain)
        ]
    )


@routes.get("/api/translations/{language}")
async def translations(request: web.Request) -> web.Response:
    """Each integration's texts in ``language`` (English where it has none): domain -> texts."""
    language = request.match_info["language"]
    if language not in LANGUAGES:
        raise not_found(f"No translations in {language!r}; there are {', '.join(LANGUAGES)}")
    catalog = hub_of(request).integrations.catalog.all()
    return json_response({item.domain: _texts(item, language) for item in catalog})


@routes.get("/api/panels")
async def panels(request: web.Request) -> web.Response:
    """The pages plugins add to the web app that the caller's role may open."""
    return json_response(hub_of(request).http.panels.visible_to(access.who(request).role))
