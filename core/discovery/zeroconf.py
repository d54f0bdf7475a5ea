"""zeroconf (mDNS/DNS-SD): the hub announces itself and offers to set up what it finds.

The hub is announced as ``_linli._tcp.local.`` under the community's name, on the port of
its web app. Every service type that an integration lists in the ``zeroconf`` field of its
manifest is browsed; a service found of such a type starts a config flow with source
``zeroconf`` for each integration listing the type. The flow's unique id keeps one flow per
device and no flow for a device already configured.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any, Final

from zeroconf import InterfaceChoice, ServiceStateChange, Zeroconf
from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf

from .. import __version__
from ..config_entries import EntrySource
from ..const import EVENT_HUB_STOP
from ..events import Event
from ..exceptions import HubStateError, UnknownHandler
from ..flows import FlowContext, FlowResultType

if TYPE_CHECKING:
    from ..hub import Hub

_LOGGER = logging.getLogger(__name__)

HUB_SERVICE_TYPE: Final = "_linli._tcp.local."
RESOLVE_TIMEOUT_MS: Final = 3000
_MDNS_GROUP: Final = "224.0.0.251"
_MDNS_PORT: Final = 5353
_MAX_LABEL_BYTES: Final = 63  # a DNS label, and so a service instance name
_DRAIN_TIMEOUT: Final = 2.0  # seconds; zeroconf delays a multicast answer by at most 1.2 s


def _label(text: str) -> str:
    """``text`` cut to fit one DNS label, without splitting a character."""
    return text.encode()[:_MAX_LABEL_BYTES].decode(errors="ignore")


def _default_address() -> str:
    """The IPv4 address this host sends mDNS from: the one routed to the mDNS group."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect((_MDNS_GROUP, _MDNS_PORT))  # UDP: picks a route, sends nothing
        except OSError:
            return "127.0.0.1"
        return probe.getsockname()[0]


async def close_zeroconf(aiozc: AsyncZeroconf) -> None:
    """Close ``aiozc`` (saying goodbye for its services), leaving nothing on the event loop.

    zeroconf delays multicast answers with loop timers that closing does not cancel (they
    do nothing once it is closed); this waits, at most 2 s, until they have run.
    """
    await aiozc.async_close()
    zc = aiozc.zeroconf
    loop = asyncio.get_running_loop()
    deadline = loop.time() + _DRAIN_TIMEOUT
    while (zc.out_queue.queue or zc.out_delay_queue.queue) and loop.time() < deadline:
        await asyncio.sleep(0.05)


def discovery_info(info: AsyncServiceInfo) -> dict[str, Any]:
    """A resolved service as the plain dict a flow's ``async_step_zeroconf`` gets."""
    addresses = info.parsed_scoped_addresses()
    ipv4 = [address for address in addresses if ":" not in address]
    return {
        "type": info.type,
        "name": info.name,
        "host": (ipv4 or addresses)[0],
        "addresses": addresses,
        "port": info.port,
        "properties": {key: value or "" for key, value in info.decoded_properties.items()},
        "hostname": info.server,
    }


class ZeroconfDiscovery:
    """The hub on zeroconf; ``hub.discovery``. Started explicitly, stopped on ``hub_stop``."""

    def __init__(self, hub: Hub) -> None:
        self._hub = hub
        self._aiozc: AsyncZeroconf | None = None
        self._browser: AsyncServiceBrowser | None = None
        self._announcement: AsyncServiceInfo | None = None
        self._unlisten: Callable[[], None] | None = None
        self._domains: dict[str, list[str]] = {}  # service type -> integrations listing it
        # (domain, service name) -> the info its last flow started with, even one that failed:
        # a service reported again unchanged (as added, then as updated when its records come
        # in separate packets) starts no second flow; changed or back after leaving, it does.
        self._offered: dict[tuple[str, str], dict[str, Any]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def running(self) -> bool:
        return self._aiozc is not None

    @property
    def announced_name(self) -> str | None:
        """The hub's service name once announced, e.g. ``幸福里._linli._tcp.local.`` (or
        ``幸福里-2…`` when another hub on the network already has the community's name)."""
        return self._announcement.name if self._announcement else None

    async def start(
        self, interfaces: InterfaceChoice | Sequence[str] = InterfaceChoice.All
    ) -> None:
        """Browse the service types the integrations' manifests list, and announce the hub.

        ``interfaces``: every interface (default), or the IP addresses to use, e.g.
        ``["127.0.0.1"]``; the hub is announced with those addresses (by default with the
        address routed to the mDNS group). The announcement completes in the background:
        zeroconf first probes the network for the name, which takes about 1.5 s.
        """
        if self._aiozc is not None:
            raise HubStateError("Zeroconf discovery is already running")
        if not isinstance(interfaces, InterfaceChoice):
            interfaces = list(interfaces)
        self._aiozc = AsyncZeroconf(interfaces=interfaces)
        self._unlisten = self._hub.bus.listen(EVENT_HUB_STOP, self._on_hub_stop)
        self._domains = {}
        for integration in self._hub.integrations.catalog.all():
            for service_type in integration.manifest.zeroconf:
                self._domains.setdefault(service_type, []).append(integration.domain)
        if self._domains:
            self._browser = AsyncServiceBrowser(
                self._aiozc.zeroconf, sorted(self._domains), handlers=[self._on_service]
            )
        _LOGGER.info(
            "Browsing %s",
            ", ".join(sorted(self._domains)) or "nothing (no manifest lists a service type)",
        )
        addresses = [_default_address()] if isinstance(interfaces, InterfaceChoice) else interfaces
        self._track(self._announce(self._aiozc, addresses), "zeroconf announcement")

    async def stop(self) -> None:
        """Stop browsing, withdraw the announcement and close zeroconf; done on ``hub_stop``."""
        aiozc, self._aiozc = self._aiozc, None
        if aiozc is None:
            return
        if self._unlisten is not None:
            self._unlisten()
            self._unlisten = None
        if self._browser is not None:
            await self._browser.async_cancel()
            self._browser = None
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await close_zeroconf(aiozc)
        self._announcement = None
        self._offered.clear()
        _LOGGER.info("Stopped zeroconf discovery")

    def _track(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        """Run ``coro`` as a hub task that :meth:`stop` cancels."""
        task = self._hub.create_task(coro, name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _announce(self, aiozc: AsyncZeroconf, addresses: list[str]) -> None:
        config = self._hub.config
        info = AsyncServiceInfo(
            HUB_SERVICE_TYPE,
            f"{_label(config.name)}.{HUB_SERVICE_TYPE}",
            port=config.http_port,
            properties={"version": __version__, "name": config.name},
            server=f"{_label(socket.gethostname().split('.')[0])}.local.",
            parsed_addresses=addresses,
        )
        try:
            broadcast = await aiozc.async_register_service(info, allow_name_change=True)
        except Exception:
            _LOGGER.exception("Could not announce the hub as %s", info.name)
            return
        self._announcement = info
        _LOGGER.info("Announcing the hub as %s on %s", info.name, ", ".join(addresses))
        await broadcast

    async def _on_hub_stop(self, event: Event) -> None:
        await self.stop()

    def _on_service(
        self,
        zeroconf: Zeroconf,
        service_type: str,
        name: str,
        state_change: ServiceStateChange,
    ) -> None:
        """The browser's callback, in the event loop: resolve what was added or changed."""
        if self._aiozc is None:
            return  # stopping
        if state_change is ServiceStateChange.Removed:
            for key in [key for key in self._offered if key[1] == name]:
                del self._offered[key]
            return
        self._track(
            self._resolve_and_offer(self._aiozc.zeroconf, service_type, name),
            f"zeroconf discovery of {name}",
        )

    async def _resolve_and_offer(self, zc: Zeroconf, service_type: str, name: str) -> None:
        info = AsyncServiceInfo(service_type, name)
        if not await info.async_request(zc, RESOLVE_TIMEOUT_MS):
            _LOGGER.debug("Could not resolve %s within %d ms", name, RESOLVE_TIMEOUT_MS)
            return
        found = discovery_info(info)
        for domain in self._domains.get(service_type, ()):
            if self._offered.get((domain, name)) == found:
                continue
            self._offered[(domain, name)] = found
            await self._offer(domain, found)

    async def _offer(self, domain: str, found: dict[str, Any]) -> None:
        """Start ``domain``'s discovery flow; its failure is logged and affects nothing else."""
        context = FlowContext(source=EntrySource.zeroconf, discovery_info=found)
        try:
            result = await self._hub.config_entries.flow.init(domain, context=context)
        except UnknownHandler as error:
            _LOGGER.warning("Found %s for integration %s, but: %s", found["name"], domain, error)
            return
        except Exception:
            _LOGGER.exception(
                "Discovery flow of integration %s for %s failed", domain, found["name"]
            )
            return
        if result.type is FlowResultType.abort:
            _LOGGER.debug("Found %s for %s, not offered: %s", found["name"], domain, result.reason)
        else:
            _LOGGER.info("Found %s for %s: flow %s", found["name"], domain, result.flow_id)
