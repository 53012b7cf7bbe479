from .admission import *  # noqa: F403
from .dispatch import *  # noqa: F403
from .lists import *  # noqa: F403
from .reports import *  # noqa: F403
