"""Translated sentences joined as each language writes them (portal/core/wording.py; issue 15): no space after a
Chinese full stop, one in English; no database needed."""

from django.template import Context, Template
from django.utils import translation

from portal.core.wording import sentences


def test_chinese_sentences_follow_one_another_without_a_space() -> None:
    with translation.override("zh-hans"):
        assert sentences("不得下派。", "只能下派清单中的事项。") == "不得下派。只能下派清单中的事项。"
        assert sentences("请核对：户数有误。", None, "", "请改正。") == "请核对：户数有误。请改正。"
        # A part that ends with a value, not a full stop (a notice's title), keeps its space before the next.
        assert sentences("审核已逾期：ZR2025-00001 社区事务", "2098 年的节假日安排尚未载入。") == (
            "审核已逾期：ZR2025-00001 社区事务 2098 年的节假日安排尚未载入。")
        assert Template("{% load wording %}甲。{% between_sentences %}乙。").render(Context()) == "甲。乙。"


def test_english_sentences_keep_their_space() -> None:
    with translation.override("en"):
        assert sentences("Not listed.", "Only listed items can be sent.") == "Not listed. Only listed items can be sent."
        assert sentences() == "" and sentences("One.") == "One."
        assert Template("{% load wording %}A.{% between_sentences %}B.").render(Context()) == "A. B."
