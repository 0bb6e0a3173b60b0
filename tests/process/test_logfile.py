"""The CRI log format: writing pipes and app lines, reading them back as kubectl shows them."""

from __future__ import annotations

from kubenb.apps.logfile import MAX_LINE, LogTail, LogWriter, read_log, rfc3339nano


def test_rfc3339nano_trims_trailing_zeros_like_go():
    assert rfc3339nano(1_700_000_000_000_000_000) == "2023-11-14T22:13:20Z"
    assert rfc3339nano(1_700_000_000_120_000_000) == "2023-11-14T22:13:20.12Z"
    assert rfc3339nano(1_700_000_000_000_000_007) == "2023-11-14T22:13:20.000000007Z"


def test_pipe_output_becomes_full_and_partial_lines(tmp_path):
    path = str(tmp_path / "c" / "0.log")
    w = LogWriter(path)
    w.feed("stdout", b"one\ntw")
    w.feed("stderr", b"err\n")
    w.feed("stdout", b"o\n" + b"x" * (MAX_LINE + 5) + b"\nend")
    w.close()
    with open(path, "rb") as f:
        raw = f.read().split(b"\n")
    tags = [line.split(b" ")[1:3] for line in raw if line]
    assert tags == [[b"stdout", b"F"], [b"stderr", b"F"], [b"stdout", b"F"], [b"stdout", b"P"],
                    [b"stdout", b"F"], [b"stdout", b"F"]]
    text = read_log(path)
    assert text == "one\nerr\ntwo\n" + "x" * (MAX_LINE + 5) + "\nend\n"
    assert read_log(path, tail=2) == "x" * (MAX_LINE + 5) + "\nend\n"
    assert read_log(path, tail=0) == ""
    stamped = read_log(path, tail=1, timestamps=True)
    assert stamped.endswith("Z end\n") and stamped[:4].isdigit()
    assert read_log(str(tmp_path / "missing.log")) == ""


def test_app_lines_and_tailing_only_whole_lines(tmp_path):
    path = str(tmp_path / "0.log")
    w = LogWriter(path)
    tail = LogTail(path)
    assert tail.read() == ""
    w.line("Started \n\n")
    assert tail.read() == "Started \n\n"
    w.feed("stdout", b"half")
    assert tail.read() == ""
    w.feed("stdout", b" and half\n")
    assert tail.read() == "half and half\n"
    w.close()
