"""Staffing: from service-level targets and forecast volumes to agents per interval."""
