"""OCPP 1.6J, the central system's side, on the ``ocpp`` package.

One :class:`CentralSystemHandler` per connected charge point. Every CALL is checked
against the OCPP 1.6 JSON schemas first, and one that breaks them is answered with the
CALLERROR the specification names for it (the package's own answers use some OCPP 2.0
codes): a wrong type or an over-long string TypeConstraintViolation, a value out of its
range or enumeration PropertyConstraintViolation, a missing field
OccurenceConstraintViolation, an unknown field or a frame that is not OCPP
FormationViolation. The error names the field; the connection stays. Handlers here only
translate: what to do is the site's. (The package's own check is skipped: it would check
each message again, on a thread.)
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any, Final

from aiohttp import web
from jsonschema.exceptions import ValidationError as SchemaError
from ocpp.exceptions import (
    FormationViolationError,
    FormatViolationError,
    OccurenceConstraintViolationError,
    OCPPError,
    PropertyConstraintViolationError,
    TypeConstraintViolationError,
)
from ocpp.messages import Call, CallError, get_validator, unpack
from ocpp.routing import on
from ocpp.v16 import ChargePoint as OcppChargePoint
from ocpp.v16 import call, call_result
from ocpp.v16.datatypes import ChargingProfile, ChargingSchedule, ChargingSchedulePeriod, IdTagInfo
from ocpp.v16.enums import (
    Action,
    AuthorizationStatus,
    AvailabilityStatus,
    AvailabilityType,
    ChargingProfileKindType,
    ChargingProfilePurposeType,
    ChargingProfileStatus,
    ChargingRateUnitType,
    DataTransferStatus,
    RegistrationStatus,
    RemoteStartStopStatus,
    ResetStatus,
    ResetType,
    UnlockStatus,
)

from .const import HEARTBEAT_INTERVAL
from .model import ChargePointInfo
from .site import MeterWentBackwards
from .transport import WebSocketConnection, ocpp_time

if TYPE_CHECKING:
    from .site import ChargingSite

_LOGGER = logging.getLogger(__name__)

RESPONSE_TIMEOUT: Final = 30.0  # seconds a charge point has to answer a command
ENERGY: Final = "Energy.Active.Import.Register"
POWER: Final = "Power.Active.Import"
_WH_PER: Final = {"Wh": 1, "kWh": 1000}
_W_PER: Final = {"W": 1, "kW": 1000}


def _reading(sampled: dict[str, Any], per_unit: dict[str, int], default: str) -> float | None:
    unit = sampled.get("unit", default)
    if unit not in per_unit:
        return None
    try:
        return float(sampled["value"]) * per_unit[unit]
    except ValueError:
        raise PropertyConstraintViolationError(
            description=f"{sampled['value']!r} is not a number ({sampled.get('measurand')})"
        ) from None


def latest_readings(meter_value: list[dict[str, Any]]) -> tuple[int | None, float | None]:
    """The newest energy register (Wh) and power (W) among MeterValues' samples."""
    energy_wh: int | None = None
    power_w: float | None = None
    for sample in sorted(meter_value, key=lambda value: value["timestamp"]):
        for sampled in sample["sampled_value"]:
            measurand = sampled.get("measurand", ENERGY)
            if sampled.get("phase"):
                continue  # per-phase values: the totals are what count
            if measurand == ENERGY and (value := _reading(sampled, _WH_PER, "Wh")) is not None:
                energy_wh = round(value)
            elif measurand == POWER and (value := _reading(sampled, _W_PER, "W")) is not None:
                power_w = value
    return energy_wh, power_w


class CentralSystemHandler(OcppChargePoint):
    """The central system's conversation with one charge point."""

    def __init__(
        self, charge_point_id: str, socket: web.WebSocketResponse, site: ChargingSite
    ) -> None:
        super().__init__(
            charge_point_id, WebSocketConnection(socket), response_timeout=RESPONSE_TIMEOUT
        )
        self.socket = socket
        self.site = site
        self._profile_ids = 0

    async def route_message(self, raw_msg: str) -> None:
        """As the package's, but a frame that is not an OCPP message at all is answered
        with a CALLERROR too (the package only logs it), under its id when it has one."""
        try:
            message = unpack(raw_msg)
        except OCPPError as error:
            _LOGGER.warning("Charge point %s sent a malformed frame: %s", self.id, error)
            await self._send(CallError(_unique_id_of(raw_msg), *_formation(error)).to_json())
            return
        if isinstance(message, Call) and (violation := schema_violation(message)) is not None:
            _LOGGER.warning(
                "Charge point %s: %s %s", self.id, message.action, violation.description
            )
            await self._send(message.create_call_error(violation).to_json())
            return
        await super().route_message(raw_msg)

    # -- the charge point's messages ------------------------------------------------------

    @on(Action.boot_notification, skip_schema_validation=True)
    def on_boot_notification(
        self,
        charge_point_vendor: str,
        charge_point_model: str,
        charge_point_serial_number: str | None = None,
        firmware_version: str | None = None,
        **_: Any,
    ) -> call_result.BootNotification:
        info = ChargePointInfo(
            charge_point_vendor, charge_point_model, charge_point_serial_number, firmware_version
        )
        self.site.booted(self.id, info)
        return call_result.BootNotification(
            current_time=ocpp_time(),
            interval=HEARTBEAT_INTERVAL,
            status=RegistrationStatus.accepted,
        )

    @on(Action.heartbeat, skip_schema_validation=True)
    def on_heartbeat(self) -> call_result.Heartbeat:
        return call_result.Heartbeat(current_time=ocpp_time())

    @on(Action.status_notification, skip_schema_validation=True)
    async def on_status_notification(
        self, connector_id: int, error_code: str, status: str, **_: Any
    ) -> call_result.StatusNotification:
        await self.site.status(self.id, connector_id, status, error_code)
        return call_result.StatusNotification()

    @on(Action.authorize, skip_schema_validation=True)
    def on_authorize(self, id_tag: str) -> call_result.Authorize:
        return call_result.Authorize(id_tag_info=_tag_info(self.site.authorize(id_tag)))

    @on(Action.start_transaction, skip_schema_validation=True)
    async def on_start_transaction(
        self, connector_id: int, id_tag: str, meter_start: int, timestamp: str, **_: Any
    ) -> call_result.StartTransaction:
        transaction = await self.site.start_transaction(self.id, connector_id, id_tag, meter_start)
        if transaction is None:  # OCPP wants a transaction id even when it refuses the tag
            return call_result.StartTransaction(transaction_id=0, id_tag_info=_tag_info(None))
        return call_result.StartTransaction(
            transaction_id=transaction.id, id_tag_info=_tag_info(transaction.household_id)
        )

    @on(Action.meter_values, skip_schema_validation=True)
    def on_meter_values(
        self, connector_id: int, meter_value: list[dict[str, Any]], **_: Any
    ) -> call_result.MeterValues:
        energy_wh, power_w = latest_readings(meter_value)
        try:
            self.site.meter_values(self.id, connector_id, energy_wh, power_w)
        except MeterWentBackwards as error:
            _LOGGER.warning("Refused from charge point %s: %s", self.id, error)
            raise PropertyConstraintViolationError(description=str(error)) from None
        return call_result.MeterValues()

    @on(Action.stop_transaction, skip_schema_validation=True)
    async def on_stop_transaction(
        self, meter_stop: int, timestamp: str, transaction_id: int, **_: Any
    ) -> call_result.StopTransaction:
        transaction = await self.site.stop_transaction(transaction_id, meter_stop)
        if transaction is None:
            _LOGGER.warning("Charge point %s stopped unknown session %d", self.id, transaction_id)
        return call_result.StopTransaction()

    @on(Action.data_transfer, skip_schema_validation=True)
    def on_data_transfer(self, vendor_id: str, **_: Any) -> call_result.DataTransfer:
        _LOGGER.info("Charge point %s: data transfer from %s (not used)", self.id, vendor_id)
        return call_result.DataTransfer(status=DataTransferStatus.unknown_vendor_id)

    # -- commands -------------------------------------------------------------------------

    async def set_power_limit(self, connector_id: int, transaction_id: int, watts: int) -> bool:
        self._profile_ids += 1
        profile = ChargingProfile(
            charging_profile_id=self._profile_ids,
            stack_level=0,
            charging_profile_purpose=ChargingProfilePurposeType.tx_profile,
            charging_profile_kind=ChargingProfileKindType.relative,
            transaction_id=transaction_id,
            charging_schedule=ChargingSchedule(
                charging_rate_unit=ChargingRateUnitType.watts,
                charging_schedule_period=[ChargingSchedulePeriod(start_period=0, limit=watts)],
            ),
        )
        answer = await self._command(
            call.SetChargingProfile(connector_id=connector_id, cs_charging_profiles=profile)
        )
        return answer is not None and answer.status == ChargingProfileStatus.accepted

    async def set_default_limit(self, watts: int) -> bool:
        """The limit of any session before its share arrives (connector 0: all of them)."""
        profile = ChargingProfile(
            charging_profile_id=0,
            stack_level=0,
            charging_profile_purpose=ChargingProfilePurposeType.tx_default_profile,
            charging_profile_kind=ChargingProfileKindType.relative,
            charging_schedule=ChargingSchedule(
                charging_rate_unit=ChargingRateUnitType.watts,
                charging_schedule_period=[ChargingSchedulePeriod(start_period=0, limit=watts)],
            ),
        )
        answer = await self._command(
            call.SetChargingProfile(connector_id=0, cs_charging_profiles=profile)
        )
        return answer is not None and answer.status == ChargingProfileStatus.accepted

    async def remote_start(self, connector_id: int, id_tag: str) -> bool:
        answer = await self._command(
            call.RemoteStartTransaction(id_tag=id_tag, connector_id=connector_id)
        )
        return answer is not None and answer.status == RemoteStartStopStatus.accepted

    async def remote_stop(self, transaction_id: int) -> bool:
        answer = await self._command(call.RemoteStopTransaction(transaction_id=transaction_id))
        return answer is not None and answer.status == RemoteStartStopStatus.accepted

    async def change_availability(self, connector_id: int, operative: bool) -> str | None:
        kind = AvailabilityType.operative if operative else AvailabilityType.inoperative
        answer = await self._command(call.ChangeAvailability(connector_id=connector_id, type=kind))
        return None if answer is None else AvailabilityStatus(answer.status).value

    async def reset(self, hard: bool) -> bool:
        answer = await self._command(call.Reset(type=ResetType.hard if hard else ResetType.soft))
        return answer is not None and answer.status == ResetStatus.accepted

    async def unlock_connector(self, connector_id: int) -> str | None:
        answer = await self._command(call.UnlockConnector(connector_id=connector_id))
        return None if answer is None else UnlockStatus(answer.status).value

    async def _command(self, payload: Any) -> Any:
        """The charge point's answer; None when it answered a CALLERROR (logged)."""
        try:
            return await self.call(payload, suppress=False)
        except OCPPError as error:
            _LOGGER.warning(
                "Charge point %s refused %s: %s", self.id, type(payload).__name__, error
            )
            return None


_VIOLATIONS: Final[dict[str, type[OCPPError]]] = {
    "type": TypeConstraintViolationError,
    "maxLength": TypeConstraintViolationError,
    "required": OccurenceConstraintViolationError,
    "additionalProperties": FormationViolationError,
}


def schema_violation(message: Call) -> OCPPError | None:
    """What is wrong with a CALL by the OCPP 1.6 schema of its action, naming the field;
    None when it is right (or its action has no schema: the package answers that)."""
    try:
        validator = get_validator(message.message_type_id, message.action, "1.6")
    except OSError:
        return None
    error: SchemaError | None = next(iter(validator.iter_errors(message.payload)), None)
    if error is None:
        return None
    field = ".".join(str(part) for part in error.absolute_path)
    kind = _VIOLATIONS.get(str(error.validator), PropertyConstraintViolationError)
    where = f"{message.action}.{field}" if field else message.action
    return kind(description=f"{where}: {error.message}", details={"field": field})


def _tag_info(household_id: str | None) -> IdTagInfo:
    status = AuthorizationStatus.invalid if household_id is None else AuthorizationStatus.accepted
    return IdTagInfo(status=status)


def _unique_id_of(raw: str) -> str:
    """The message id of a frame the package could not take, if it has one."""
    try:
        message = json.loads(raw)
    except ValueError:
        return "-1"
    if isinstance(message, list) and len(message) > 1 and isinstance(message[1], str):
        return message[1]
    return "-1"


def _formation(error: OCPPError) -> tuple[str, str, dict[str, Any]]:
    """A CALLERROR's code, description and details for a frame that is not OCPP (in
    OCPP 1.6's words: FormationViolation, not 2.0's FormatViolation)."""
    code = FormationViolationError.code if isinstance(error, FormatViolationError) else error.code
    return code, error.description, {"cause": error.details.get("cause", "")}
