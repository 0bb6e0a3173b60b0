"""kubectl cp's local tar handling (cp_tar.py): member names, what is skipped, what is refused."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from kubenb.cli.kubectl.commands import cp_tar


def archive(*members: tuple[str, bytes | None, str]) -> bytes:
    """(name, data or None for a directory, symlink target or "")."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data, link in members:
            info = tarfile.TarInfo(name)
            if link:
                info.type, info.linkname = tarfile.SYMTYPE, link
                tar.addfile(info)
            elif data is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@pytest.mark.parametrize(("remote", "prefix"), [
    ("/data/f", "data/f"), ("data/dir/", "data/dir"), ("/../../etc/x", "etc/x"), (".", ""), ("/", ""),
])
def test_the_prefix_is_the_source_without_leading_slashes_and_shortcuts(remote: str, prefix: str) -> None:
    assert cp_tar.source_prefix(remote) == prefix


def test_members_land_under_the_destination_without_the_source_path(tmp_path: Path) -> None:
    data = archive(("data/d/", None, ""), ("data/d/a", b"A", ""), ("data/d/s/b", b"B", ""))
    warn = io.StringIO()
    cp_tar.untar_all(data, "data/d", str(tmp_path / "out"), warn, "hint")
    assert (tmp_path / "out" / "a").read_bytes() == b"A"
    assert (tmp_path / "out" / "s" / "b").read_bytes() == b"B"
    assert warn.getvalue() == ""


def test_a_member_outside_the_source_is_corrupted_and_outside_the_destination_skipped(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="^tar contents corrupted$"):
        cp_tar.untar_all(archive(("other/x", b"x", "")), "data", str(tmp_path), io.StringIO(), "")
    warn = io.StringIO()
    cp_tar.untar_all(archive(("data/../escape", b"x", "")), "data", str(tmp_path / "in"), warn, "")
    assert warn.getvalue() == f'warning: file "{tmp_path}/escape" is outside target destination, skipping\n'
    assert not (tmp_path / "escape").exists()


def test_symlinks_are_skipped_the_first_with_the_hint(tmp_path: Path) -> None:
    warn = io.StringIO()
    cp_tar.untar_all(archive(("d/l1", None, "t"), ("d/l2", None, "u")), "d", str(tmp_path), warn, "H")
    assert warn.getvalue() == (f'warning: skipping symlink: "{tmp_path}/l1" -> "t" (H)\n'
                               f'warning: skipping symlink: "{tmp_path}/l2" -> "u"\n')
    assert list(tmp_path.iterdir()) == []


def test_a_truncated_archive_is_an_unexpected_eof(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="^unexpected EOF$"):
        cp_tar.untar_all(archive(("d/a", b"x" * 2000, ""))[:700], "d", str(tmp_path), io.StringIO(), "")


def test_the_local_archive_names_start_at_the_destinations_base(tmp_path: Path) -> None:
    (tmp_path / "src" / "empty").mkdir(parents=True)
    (tmp_path / "src" / "f").write_text("f")
    with tarfile.open(fileobj=io.BytesIO(cp_tar.make_tar(str(tmp_path / "src"), "/data/dest"))) as tar:
        assert sorted(m.name for m in tar) == ["dest/empty", "dest/f"]
