from .annual import *  # noqa: F403
from .imports import *  # noqa: F403
from .organisation import *  # noqa: F403
from .workers import *  # noqa: F403
