"""App state and every user action, without widgets (see `app_state`)."""

from .app_state import AppState, HomeModel, NewVisitForm, Route
from .device_access import DeviceAccess, DeviceRegistry
from .errors import ActionRefused, UiError, catalogue_error, ui_error
from .visit_session import VisitSession

__all__ = ["ActionRefused", "AppState", "DeviceAccess", "DeviceRegistry", "HomeModel",
           "NewVisitForm", "Route", "UiError", "VisitSession", "catalogue_error", "ui_error"]
