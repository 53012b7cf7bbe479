"""Every write of task admission, one service per write (`<entity>_<verb>`), for pages, API, tasks and commands.

lists.py (task lists and items), dispatch.py (the dispatch guard), admission.py (admission requests),
reports.py (violation reports), notices.py (who is told what).
"""
