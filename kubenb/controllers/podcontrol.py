"""Creating and deleting a controller's pods, with the events kubectl shows for them
(pkg/controller controller_utils.go RealPodControl: SuccessfulCreate / FailedCreate,
SuccessfulDelete / FailedDelete).

Writes to the store and records the event against the owner; what to do after a failure
(stop, report, carry on) stays with the caller, which gets the ApiError. Used by
controllers/replicaset.py, controllers/daemonset.py and controllers/job.py.
"""

from __future__ import annotations

from kubenb.api.errors import AlreadyExists, ApiError, NotFound
from kubenb.api.events import EventRecorder
from kubenb.api.objects import Obj
from kubenb.api.store import Store


def create_pod(store: Store, recorder: EventRecorder, owner: Obj, pod: Obj, *,
               exists_ok: bool = False) -> Obj | None:
    """Create the pod: the stored pod and a SuccessfulCreate event; None, and no event, when
    `exists_ok` and it exists already. On failure a FailedCreate event, then the error."""
    try:
        created = store.create(pod, adopt=True)
    except ApiError as err:
        if exists_ok and isinstance(err, AlreadyExists):
            return None
        recorder.event(owner, "Warning", "FailedCreate", f"Error creating: {err}")
        raise
    recorder.event(owner, "Normal", "SuccessfulCreate", f"Created pod: {created['metadata']['name']}")
    return created


def delete_pod(store: Store, recorder: EventRecorder, owner: Obj, pod: Obj) -> bool:
    """Delete the pod: True and a SuccessfulDelete event; False, and no event, when it is
    gone already. On failure a FailedDelete event, then the error."""
    name = pod["metadata"]["name"]
    try:
        store.delete("Pod", pod["metadata"]["namespace"], name)
    except NotFound:
        return False
    except ApiError as err:
        recorder.event(owner, "Warning", "FailedDelete", f"Error deleting: {err}")
        raise
    recorder.event(owner, "Normal", "SuccessfulDelete", f"Deleted pod: {name}")
    return True
