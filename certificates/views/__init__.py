"""The certificates pages: the lookup (lookup.py), the district's catalogue (catalogue.py), the registers and
their statistics (register.py), and the public list (public.py), which portal/urls.py serves outside the app."""

from .public import public_list

__all__ = ["public_list"]
