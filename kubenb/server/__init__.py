"""The Kubernetes API over HTTPS for real clients (kubectl, the `kubernetes` package).

`ApiServer(cluster)` is a cluster component; see `app.py` for how it runs and `routes.py`
for what it serves.
"""

from kubenb.server.app import ApiServer

__all__ = ["ApiServer"]
