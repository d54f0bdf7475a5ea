"""Data-entry flows: multi-step forms driven by voluptuous schemas, served as JSON."""

from .handler import FlowContext, FlowHandler, FlowResult, FlowResultType
from .manager import FlowManager, FlowProgress
from .schema_json import Password, Select, Selector, schema_to_json

__all__ = [
    "FlowContext",
    "FlowHandler",
    "FlowManager",
    "FlowProgress",
    "FlowResult",
    "FlowResultType",
    "Password",
    "Select",
    "Selector",
    "schema_to_json",
]
