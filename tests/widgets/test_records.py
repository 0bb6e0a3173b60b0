"""Small pure pieces: chip styles by STATUS, event times, the command of each action."""

from __future__ import annotations

import pytest

from kubenb.widgets.actions import ActionError, command_for
from kubenb.widgets.records import BAD, DONE, GONE, GOOD, WAIT, event_record, state_style


@pytest.mark.parametrize("state, ready, style", [
    ("Running", "1/1", (GOOD, "solid")),
    ("Running", "0/1", (WAIT, "solid")),
    ("Pending", "0/1", (WAIT, "dashed")),
    ("ContainerCreating", "0/1", (WAIT, "dashed")),
    ("Init:0/2", "0/1", (WAIT, "dashed")),
    ("Init:Error", "0/1", (BAD, "solid")),
    ("Init:CrashLoopBackOff", "0/1", (BAD, "solid")),
    ("Terminating", "1/1", (GONE, "dotted")),
    ("Completed", "0/1", (DONE, "solid")),
    ("CrashLoopBackOff", "0/1", (BAD, "solid")),
    ("ImagePullBackOff", "0/1", (BAD, "solid")),
    ("ErrImagePull", "0/1", (BAD, "solid")),
    ("Error", "0/1", (BAD, "solid")),
])
def test_chip_style_by_status(state: str, ready: str, style: tuple[str, str]) -> None:
    assert state_style(state, ready) == style


def test_event_record_takes_the_latest_time_in_whole_seconds() -> None:
    ev = {"metadata": {"uid": "u", "namespace": "default"}, "type": "Normal",
          "reason": "Scheduled", "involvedObject": {"kind": "Pod", "name": "web-1"},
          "eventTime": "2025-01-06T10:00:01.123456Z", "message": "Successfully assigned x \n"}
    assert event_record(ev) == {"uid": "u", "time": "2025-01-06T10:00:01Z", "type": "Normal",
                                "reason": "Scheduled", "object": "pod/web-1",
                                "namespace": "default", "message": "Successfully assigned x",
                                "count": 1}
    ev.update(lastTimestamp="2025-01-06T10:05:00Z", count=4)
    assert (event_record(ev)["time"], event_record(ev)["count"]) == ("2025-01-06T10:05:00Z", 4)


@pytest.mark.parametrize("verb, target, args, command", [
    ("scale", {"namespace": "ns", "name": "web"}, {"replicas": 0},
     ("kubectl", ["scale", "deployment/web", "--replicas=0", "-n", "ns"])),
    ("set-image", {"namespace": "ns", "name": "web"}, {"image": "nginx:2", "container": "c"},
     ("kubectl", ["set", "image", "deployment/web", "c=nginx:2", "-n", "ns"])),
    ("set-image", {"namespace": "ns", "name": "web"}, {"image": "nginx:2"},
     ("kubectl", ["set", "image", "deployment/web", "*=nginx:2", "-n", "ns"])),
    ("delete-pod", {"namespace": "ns", "name": "p"}, {},
     ("kubectl", ["delete", "pod", "p", "-n", "ns", "--wait=false"])),
    ("cordon", {"node": "m02"}, {}, ("kubectl", ["cordon", "m02"])),
    ("uncordon", {"node": "m02"}, {}, ("kubectl", ["uncordon", "m02"])),
    ("drain", {"node": "m02"}, {"force": True},
     ("kubectl", ["drain", "m02", "--ignore-daemonsets", "--delete-emptydir-data", "--force"])),
    ("stop-node", {"node": "m02"}, {}, ("minikube", ["node", "stop", "m02"])),
    ("start-node", {"node": "m02"}, {}, ("minikube", ["node", "start", "m02"])),
])
def test_each_action_is_the_command_a_learner_would_type(verb: str, target: dict, args: dict,
                                                         command: tuple) -> None:
    assert command_for(verb, target, args) == command


def test_a_boolean_is_not_a_replica_count() -> None:
    with pytest.raises(ActionError):
        command_for("scale", {"namespace": "ns", "name": "web"}, {"replicas": True})
