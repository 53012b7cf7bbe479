from .catalogue import *  # noqa: F403
from .registrations import *  # noqa: F403
