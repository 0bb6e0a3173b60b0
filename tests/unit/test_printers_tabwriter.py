"""Go text/tabwriter semantics (column blocks, unpadded last cell, runes) and get's widths."""

from kubenb.cli.kubectl.printers.tabwriter import (
    TableWriter,
    TabWriter,
    describe_tabbed,
    get_tabbed,
    history_tabbed,
)


def test_get_layout_minwidth_padding_and_unpadded_last_column() -> None:
    text = "NAME\tREADY\tAGE\nkubernetes-bootcamp\t1/1\t11m\n"
    assert get_tabbed(text) == (
        "NAME                  READY   AGE\n"
        "kubernetes-bootcamp   1/1     11m\n"
    )


def test_width_counts_runes_not_bytes() -> None:
    assert get_tabbed("NAME\tX\nnäme-ü\ty\n") == "NAME     X\nnäme-ü   y\n"


def test_describe_column_blocks_end_at_lines_without_the_cell() -> None:
    text = (
        "Name:\tx\nLabels:\ta=b\n\tc=d\nContainers:\n  app:\n    Image:\tnginx\n"
        "    Port:\t<none>\n"
    )
    assert describe_tabbed(text) == (
        "Name:    x\n"
        "Labels:  a=b\n"
        "         c=d\n"
        "Containers:\n"
        "  app:\n"
        "    Image:  nginx\n"
        "    Port:   <none>\n"
    )


def test_nested_columns_align_only_within_their_block() -> None:
    # column 1 exists on lines 0-1 only; column 0 spans lines 0-2
    text = "a\tbb\tc\naaa\tb\tc\naa\tz\n"
    assert describe_tabbed(text) == "a    bb  c\naaa  b   c\naa   z\n"


def test_trailing_tab_pads_the_cell_before_it() -> None:
    # `kubectl top` ends every cell with a TAB, so its last column is padded
    w = TabWriter(minwidth=0, tabwidth=8, padding=3)
    w.write("NAME\tCPU\t\nminikube\t250m\t\n")
    w.flush()
    assert w.getvalue() == "NAME       CPU    \nminikube   250m   \n"


def test_rollout_history_layout() -> None:
    text = "REVISION\tCHANGE-CAUSE\n1\t<none>\n2\t<none>\n"
    assert history_tabbed(text) == "REVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n"


def test_table_writer_remembers_widths_and_only_widens() -> None:
    tw = TableWriter()
    assert tw.write("NAME\tSTATUS\tAGE\nweb-1\tRunning\t5s\n") == (
        "NAME    STATUS    AGE\nweb-1   Running   5s\n"
    )
    # a shorter row keeps the old widths
    assert tw.write("a\tX\t1s\n") == "a       X         1s\n"
    # a longer value widens that column from now on
    assert tw.write("very-long-name\tTerminating\t9s\n") == "very-long-name   Terminating   9s\n"
    assert tw.write("b\tY\t2s\n") == "b                Y             2s\n"
    tw.reset()
    assert tw.write("b\tY\t2s\n") == "b     Y     2s\n"  # minwidth 6


def test_blank_line_flushes_and_restarts_alignment() -> None:
    assert get_tabbed("A\tB\nlong-value\tx\n\nC\tD\n") == (
        "A            B\nlong-value   x\n\nC     D\n"
    )


def test_text_fed_in_pieces_lays_out_as_text_fed_at_once() -> None:
    text = "NAME\tREADY\tSTATUS\nweb-1\t1/1\tRunning\nw\t0/1\tPending\nno tabs here\nx\ty\f" \
           "a\tb\vc\nlonger-name\tz\tq\n"
    whole = TabWriter(minwidth=6, tabwidth=4, padding=3)
    whole.write(text)
    whole.flush()
    for size in (1, 2, 3, 5, 7, 11):
        pieces = TabWriter(minwidth=6, tabwidth=4, padding=3)
        for i in range(0, len(text), size):
            pieces.write(text[i:i + size])
        pieces.flush()
        assert pieces.getvalue() == whole.getvalue()
