"""The organisation interchange format (DOMAIN "Data interchange: the organisation import").

One declaration serves the importer, the template and the export: sheet names, column keys, their
Chinese labels (the file format, so not translated), which are required and how a cell is read.

The template's example rows must never touch real data (issue 14: the template once held a real committee,
and uploading it unchanged overwrote its households). So the examples name units no real one can be
(district 310199: Shanghai's district codes stop at 310151), every name says 示例, and the template writes
EXAMPLE_MARK before each example row's first key cell, which the importer recognises and skips, counting
the rows. The `example` values themselves are valid, so the template still shows what a row looks like.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from committees.choices import CommitteeKind, FundKind, QualificationLevel, StreetKind

# The words a file may use for a choice: the English key or the Chinese word of the DOMAIN table.
STREET_KINDS = {"street": StreetKind.STREET, "街道": StreetKind.STREET, "town": StreetKind.TOWN, "镇": StreetKind.TOWN,
                "township": StreetKind.TOWNSHIP, "乡": StreetKind.TOWNSHIP}
COMMITTEE_KINDS = {"residents": CommitteeKind.RESIDENTS, "居委会": CommitteeKind.RESIDENTS,
                   "village": CommitteeKind.VILLAGE, "村委会": CommitteeKind.VILLAGE}
LEVELS = {"assistant": QualificationLevel.ASSISTANT, "助理社会工作师": QualificationLevel.ASSISTANT,
          "intermediate": QualificationLevel.INTERMEDIATE, "社会工作师": QualificationLevel.INTERMEDIATE,
          "senior": QualificationLevel.SENIOR, "高级社会工作师": QualificationLevel.SENIOR}
FUND_KINDS = {"fund": FundKind.FUND, "基金": FundKind.FUND, "foundation": FundKind.FOUNDATION, "基金会": FundKind.FOUNDATION}
# The words the template and the export write for a yes/no column, listed in the template's header comment. The
# import reads these and the other words of the portal's one set (portal.core.spreadsheets.read_bool, YES_NO).
BOOL_WORDS = {"是": True, "否": False}
BOOL_WORD = {value: word for word, value in BOOL_WORDS.items()}  # the word a yes/no is written as

# Written before an example row's first key cell (its code, or staff number): a row whose key starts with it
# is the template's example, never imported.
EXAMPLE_MARK = "示例"

# The Chinese word each choice is written back as (template and export use the Chinese words).
WORD_FOR = {
    **{value: word for word, value in STREET_KINDS.items() if not word.isascii()},
    **{value: word for word, value in COMMITTEE_KINDS.items() if not word.isascii()},
    **{value: word for word, value in LEVELS.items() if not word.isascii()},
    **{value: word for word, value in FUND_KINDS.items() if not word.isascii()},
}


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the Chinese header of the DOMAIN table
    kind: str = "text"  # text, code, date, int, decimal, bool, choice
    required: bool = False
    max_length: int | None = None
    choices: dict | None = None  # a choice: {word in the file: stored value}; a yes/no: the words listed (BOOL_WORDS)
    example: object = ""


@dataclass(frozen=True)
class Sheet:
    name: str
    label: str  # a Chinese name for pages and messages; files use `name`
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # the columns a row is upserted by
    headers: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        headers = {}
        for column in self.columns:
            headers[column.key.lower()] = column
            headers[column.label] = column
        object.__setattr__(self, "headers", headers)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


SHEETS: tuple[Sheet, ...] = (
    Sheet("districts", _("districts"), (
        Column("code", "区划代码", "code", True, 6, example="310199"),
        Column("name", "名称", required=True, max_length=50, example="示例区"),
    ), key=("code",)),
    Sheet("streets", _("streets"), (
        Column("code", "代码", "code", True, 9, example="310199001"),
        Column("district_code", "区划代码", "code", True, 6, example="310199"),
        Column("name", "名称", required=True, max_length=50, example="示例街道"),
        Column("kind", "类型", "choice", True, choices=STREET_KINDS, example="街道"),
    ), key=("code",)),
    Sheet("committees", _("committees"), (
        Column("code", "代码", "code", True, 12, example="310199001001"),
        Column("street_code", "街道代码", "code", True, 9, example="310199001"),
        Column("name", "名称", required=True, max_length=60, example="示例居委会"),
        Column("kind", "类型", "choice", True, choices=COMMITTEE_KINDS, example="居委会"),
        Column("established_on", "成立日期", "date", example="2001-06-30"),
        Column("dissolved_on", "撤销日期", "date"),
        Column("transition", "旧改过渡", "bool", choices=BOOL_WORDS, example="否"),
    ), key=("code",)),
    Sheet("committee_years", _("annual records"), (
        Column("committee_code", "居委会代码", "code", True, 12, example="310199001001"),
        Column("year", "年度", "int", True, example=2025),
        Column("households", "管辖户数", "int", True, example=1650),
        Column("resident_households", "实际居住户数", "int", True, example=1580),
        Column("office_area_m2", "办公服务用房面积", "decimal", example="320.50"),
        Column("elder_area_m2", "老年活动室面积", "decimal", example="120"),
        Column("work_fund_yuan", "工作经费", "decimal", example="200000"),
    ), key=("committee_code", "year")),
    Sheet("workers", _("community workers"), (
        Column("code", "工号", "text", True, 40, example="EX-0001"),
        Column("committee_code", "居委会代码", "code", True, 12, example="310199001001"),
        Column("name", "姓名", required=True, max_length=50, example="示例员工"),
        Column("position", "职务", max_length=50, example="书记"),
        Column("hired_on", "入职日期", "date", True, example="2015-03-01"),
        Column("left_on", "离职日期", "date"),
    ), key=("code",)),
    Sheet("qualifications", _("qualifications"), (
        Column("worker_code", "工号", "text", True, 40, example="EX-0001"),
        Column("level", "等级", "choice", True, choices=LEVELS, example="社会工作师"),
        Column("obtained_on", "取得日期", "date", True, example="2018-06-20"),
    ), key=("worker_code", "level")),
    Sheet("community_funds", _("community funds"), (
        Column("street_code", "街道代码", "code", True, 9, example="310199001"),
        Column("name", "名称", required=True, max_length=100, example="示例社区基金"),
        Column("kind", "类型", "choice", True, choices=FUND_KINDS, example="基金"),
        Column("established_on", "成立日期", "date", True, example="2019-01-01"),
    ), key=("street_code", "name")),
)
SHEET_BY_NAME = {sheet.name: sheet for sheet in SHEETS}
