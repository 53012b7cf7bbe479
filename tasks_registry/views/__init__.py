"""Pages of task admission: lists.py, dispatch.py, requests.py, reports.py, public.py (mounted at /public/)."""

from .public import public_lists

__all__ = ["public_lists"]
