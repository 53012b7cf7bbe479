"""Every write of the certificates app, one service each, shared by the pages, the API, commands and tasks:
the catalogue (a district's types, its import, the lookup's tally) and the registers (certificates, voids, seal
uses)."""

from .catalogue import *  # noqa: F403
from .register import *  # noqa: F403
