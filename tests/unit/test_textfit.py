"""bot.textfit: cutting texts to Telegram's limits without breaking a line, a character or an HTML entity."""

from __future__ import annotations

from bot.textfit import ELLIPSIS, MESSAGE_LIMIT, pack_lines, shorten, split_text, units


def test_a_text_that_fits_comes_back_unchanged() -> None:
    text = "第一行\n\n第二行  "
    assert split_text(text) == [text]
    assert split_text("字" * MESSAGE_LIMIT) == ["字" * MESSAGE_LIMIT]


def test_long_text_is_split_between_lines_in_order_and_nothing_is_lost() -> None:
    lines = [f"#{n} 工单：社保卡系统无法打印制卡凭证" for n in range(400)]
    text = "\n".join(lines)
    pieces = split_text(text)
    assert len(pieces) > 1 and all(units(p) <= MESSAGE_LIMIT for p in pieces)
    assert "\n".join(pieces) == text  # every line whole, in order
    assert all(piece.split("\n")[0] in lines for piece in pieces)


def test_a_single_line_longer_than_a_message_is_cut_at_a_character_boundary() -> None:
    line = "测试内容" * 3000  # 12,000 characters, no line break, no space
    pieces = split_text(line)
    assert len(pieces) == 3 and "".join(pieces) == line
    assert all(len(p) <= MESSAGE_LIMIT for p in pieces)


def test_a_long_line_is_cut_at_a_space_when_there_is_one() -> None:
    line = " ".join(["word"] * 2000)
    pieces = split_text(line, 100)
    assert all(len(p) <= 100 for p in pieces) and "".join(pieces) == line
    assert all(p.endswith(" ") for p in pieces[:-1])


def test_characters_outside_the_basic_plane_count_twice_and_are_never_halved() -> None:
    text = "😀" * 3000  # 3,000 characters, 6,000 UTF-16 code units
    pieces = split_text(text)
    assert all(units(p) <= MESSAGE_LIMIT for p in pieces) and "".join(pieces) == text
    assert units("a😀") == 3


def test_html_entities_and_tags_are_not_cut_in_half() -> None:
    text = ("x" * 95) + "&amp;" + ("y" * 95) + "<b>z</b>"
    pieces = split_text(text, 98, html=True)
    assert "".join(pieces) == text
    assert all(not p.endswith(("&", "&a", "&am", "&amp", "<", "<b", "</b")) for p in pieces)


def test_blank_lines_at_a_cut_do_not_make_an_empty_message() -> None:
    text = ("行" * 50 + "\n\n\n") * 200
    pieces = split_text(text, 200)
    assert all(p.strip() for p in pieces) and all(units(p) <= 200 for p in pieces)


def test_shorten_ends_with_an_ellipsis_only_when_it_cuts() -> None:
    assert shorten("短消息", 200) == "短消息"
    cut = shorten("很长的提示" * 100, 200)
    assert len(cut) == 200 and cut.endswith(ELLIPSIS)


def test_pack_lines_groups_consecutive_lines_into_pages_that_fit() -> None:
    lines = [f"第{n}行" + "内容" * 20 for n in range(100)]
    pages = pack_lines(lines, 500)
    assert [line for page in pages for line in page] == lines
    assert all(units("\n".join(page)) <= 500 for page in pages)


def test_an_entry_and_its_indented_lines_stay_together_across_a_cut() -> None:
    lines = []
    for n in range(300):
        lines += [f"#{n} 2022-10-10 09:00 统一经办门户无法登录", "    已到岗（09:40）"]
    pieces = split_text("\n".join(lines), 1000)
    assert "\n".join(pieces) == "\n".join(lines)
    assert all(p.startswith("#") and p.endswith("）") for p in pieces)
