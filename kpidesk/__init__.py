"""kpidesk: customer-service KPIs with written definitions, business hours and honest statistics."""

__version__ = "0.1.0"
