"""The message catalog: every entry in both languages with the same placeholders."""

from __future__ import annotations

from bot.catalog import CATALOG, LANGUAGES, normalise_language, placeholders, t


def test_every_entry_has_both_languages_with_the_same_placeholders() -> None:
    for key, texts in CATALOG.items():
        assert set(LANGUAGES) <= set(texts), key
        assert placeholders(texts["zh_CN"]) == placeholders(texts["en"]), key
        assert all(text.strip() for text in texts.values()), key


def test_language_codes_from_telegram_are_mapped() -> None:
    assert normalise_language("en-US") == "en"
    assert normalise_language("zh-hans") == "zh_CN"
    assert normalise_language(None) == "zh_CN"
    assert normalise_language("de") == "zh_CN"


def test_text_is_formatted_in_the_chosen_language() -> None:
    assert "/x" in t("access.denied", "zh_CN", command="x")
    assert t("access.denied", "en", command="x").startswith("Sorry, your role may not use /x")
