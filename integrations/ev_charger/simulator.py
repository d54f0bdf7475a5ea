"""A charge point for tests and the demo, built on the ``ocpp`` package's own client.

It speaks OCPP 1.6J over a real WebSocket, obeys the central system's charging profiles
(a session draws at most its limit; before any profile, nothing) and keeps an energy
register per connector. Time is the caller's: :meth:`SimulatedChargePoint.charge` adds
the energy of so many seconds at the current power and reports it.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import Any

import aiohttp
from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import (
    Action,
    AvailabilityStatus,
    ChargingProfilePurposeType,
    ChargingProfileStatus,
    RemoteStartStopStatus,
    ResetStatus,
    UnlockStatus,
)

from .const import SUBPROTOCOL
from .transport import ConnectionClosed, WebSocketConnection, ocpp_time


@dataclass
class SimulatedConnector:
    max_w: int
    energy_wh: float = 0.0
    status: str = "Available"
    transaction_id: int | None = None


class SimulatedChargePoint(ChargePoint):
    """One charge point with ``connectors`` connectors of ``max_w`` each."""

    def __init__(
        self,
        charge_point_id: str,
        socket: aiohttp.ClientWebSocketResponse,
        *,
        connectors: int = 1,
        max_w: int = 7000,
    ) -> None:
        super().__init__(charge_point_id, WebSocketConnection(socket), response_timeout=10)
        self.socket = socket
        self.connectors = {n: SimulatedConnector(max_w) for n in range(1, connectors + 1)}
        self.default_limit_w: float | None = None
        # Each session's limit, by transaction id (a profile may come before the answer
        # to StartTransaction has reached the code that started it).
        self.session_limits_w: dict[int, float] = {}
        self.profiles: list[dict[str, Any]] = []  # every SetChargingProfile received
        self.remote_starts: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
        self.resets: list[str] = []
        self._task: asyncio.Task[None] | None = None

    # -- the connection -------------------------------------------------------------------

    @classmethod
    async def connect(
        cls,
        session: aiohttp.ClientSession,
        url: str,
        charge_point_id: str,
        *,
        password: str | None = None,
        **options: Any,
    ) -> SimulatedChargePoint:
        """Connect to ``url`` + ``/`` + ``charge_point_id`` and start listening."""
        headers = {}
        if password is not None:
            headers["Authorization"] = aiohttp.encode_basic_auth(charge_point_id, password)
        socket = await session.ws_connect(
            f"{url.rstrip('/')}/{charge_point_id}", protocols=(SUBPROTOCOL,), headers=headers
        )
        charge_point = cls(charge_point_id, socket, **options)
        charge_point._task = asyncio.create_task(charge_point._listen())
        return charge_point

    async def _listen(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            await self.start()

    async def close(self) -> None:
        await self.socket.close()
        if self._task is not None:
            await self._task

    # -- what the charge point says -------------------------------------------------------

    async def boot(self) -> call_result.BootNotification:
        answer = await self.call(
            call.BootNotification(
                charge_point_model="LinliSim AC7",
                charge_point_vendor="Linli",
                firmware_version="1.0",
            )
        )
        for connector_id in self.connectors:
            await self.status(connector_id, "Available")
        return answer

    async def status(self, connector_id: int, status: str, error_code: str = "NoError") -> None:
        if connector_id in self.connectors:
            self.connectors[connector_id].status = status
        await self.call(
            call.StatusNotification(
                connector_id=connector_id,
                error_code=error_code,
                status=status,
                timestamp=ocpp_time(),
            )
        )

    async def authorize(self, id_tag: str) -> str:
        answer = await self.call(call.Authorize(id_tag=id_tag))
        return answer.id_tag_info["status"]

    async def start_session(self, connector_id: int, id_tag: str) -> int | None:
        """Plug in, start a transaction and charge; its id, or None if refused."""
        connector = self.connectors[connector_id]
        await self.status(connector_id, "Preparing")
        answer = await self.call(
            call.StartTransaction(
                connector_id=connector_id,
                id_tag=id_tag,
                meter_start=round(connector.energy_wh),
                timestamp=ocpp_time(),
            )
        )
        if answer.id_tag_info["status"] != "Accepted":
            await self.status(connector_id, "Finishing")
            return None
        connector.transaction_id = answer.transaction_id
        await self.status(connector_id, "Charging")
        return answer.transaction_id

    def power_w(self, connector_id: int) -> float:
        """What the connector draws now: its session's limit (the default limit until
        one comes), at most its maximum; nothing without a session charging."""
        connector = self.connectors[connector_id]
        if connector.transaction_id is None or connector.status != "Charging":
            return 0.0
        limit = self.session_limits_w.get(connector.transaction_id, self.default_limit_w)
        return 0.0 if limit is None else min(float(connector.max_w), limit)

    async def charge(self, connector_id: int, seconds: float) -> float:
        """Charge ``seconds`` at the current power and report the meter; the power (W)."""
        connector = self.connectors[connector_id]
        power = self.power_w(connector_id)
        connector.energy_wh += power * seconds / 3600
        await self.send_meter(connector_id, round(connector.energy_wh), power)
        return power

    async def send_meter(self, connector_id: int, energy_wh: int, power_w: float) -> Any:
        connector = self.connectors[connector_id]
        return await self.call(
            call.MeterValues(
                connector_id=connector_id,
                transaction_id=connector.transaction_id,
                meter_value=[
                    {
                        "timestamp": ocpp_time(),
                        "sampledValue": [
                            {
                                "value": str(energy_wh),
                                "measurand": "Energy.Active.Import.Register",
                                "unit": "Wh",
                            },
                            {
                                "value": f"{power_w:.1f}",
                                "measurand": "Power.Active.Import",
                                "unit": "W",
                            },
                        ],
                    }
                ],
            ),
            suppress=False,
        )

    async def finish_charging(self, connector_id: int) -> None:
        """The car is full: it stays plugged in, drawing nothing."""
        await self.status(connector_id, "SuspendedEV")

    async def stop_session(self, connector_id: int, reason: str = "Local") -> None:
        connector = self.connectors[connector_id]
        transaction_id = connector.transaction_id
        if transaction_id is None:
            return
        connector.transaction_id = None
        await self.call(
            call.StopTransaction(
                meter_stop=round(connector.energy_wh),
                timestamp=ocpp_time(),
                transaction_id=transaction_id,
                reason=reason,
            )
        )
        await self.status(connector_id, "Finishing")

    async def unplug(self, connector_id: int) -> None:
        await self.status(connector_id, "Available")

    # -- what the central system asks -----------------------------------------------------

    @on(Action.set_charging_profile)
    def on_set_charging_profile(
        self, connector_id: int, cs_charging_profiles: dict[str, Any]
    ) -> call_result.SetChargingProfile:
        self.profiles.append({"connector_id": connector_id, **cs_charging_profiles})
        periods = cs_charging_profiles["charging_schedule"]["charging_schedule_period"]
        limit = float(periods[0]["limit"])
        purpose = cs_charging_profiles["charging_profile_purpose"]
        if purpose == ChargingProfilePurposeType.tx_default_profile:
            self.default_limit_w = limit
        else:
            transaction_id = cs_charging_profiles.get("transaction_id")
            if connector_id not in self.connectors or transaction_id is None:
                return call_result.SetChargingProfile(status=ChargingProfileStatus.rejected)
            self.session_limits_w[transaction_id] = limit
        return call_result.SetChargingProfile(status=ChargingProfileStatus.accepted)

    @on(Action.remote_start_transaction)
    def on_remote_start_transaction(
        self, id_tag: str, connector_id: int | None = None, **_: Any
    ) -> call_result.RemoteStartTransaction:
        self.remote_starts.put_nowait((connector_id or 1, id_tag))
        return call_result.RemoteStartTransaction(status=RemoteStartStopStatus.accepted)

    @on(Action.remote_stop_transaction)
    def on_remote_stop_transaction(self, transaction_id: int) -> call_result.RemoteStopTransaction:
        known = any(c.transaction_id == transaction_id for c in self.connectors.values())
        status = RemoteStartStopStatus.accepted if known else RemoteStartStopStatus.rejected
        return call_result.RemoteStopTransaction(status=status)

    @on(Action.change_availability)
    def on_change_availability(self, connector_id: int, **_: Any) -> call_result.ChangeAvailability:
        return call_result.ChangeAvailability(status=AvailabilityStatus.accepted)

    @on(Action.reset)
    def on_reset(self, **request: Any) -> call_result.Reset:
        self.resets.append(request["type"])
        return call_result.Reset(status=ResetStatus.accepted)

    @on(Action.unlock_connector)
    def on_unlock_connector(self, connector_id: int) -> call_result.UnlockConnector:
        return call_result.UnlockConnector(status=UnlockStatus.unlocked)
