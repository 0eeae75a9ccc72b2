"""The import templates, per kind: the sheets and their ordered columns (issue 13, Build 1).

``KINDS`` is the one table: the template workbooks are written from it (``app.sheets.workbook``) and the
importer reads files back by it (sheet by sheet, column by column, with ``Column.matches`` and
``Column.code_for``). Each column's code name is the field the API's own schema takes, so a row read back
converts with the schema's checks; the columns that refer to another row name it by its national code or
number (a village by its 12-digit code, an enterprise by its unified social credit code, a household by its
registry number), never by a database id, so a county's files import into any database.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.enterprises.model import EnterpriseKind
from app.links.model import OPERATOR_KINDS, DividendPeriod, WageBasis
from app.payouts.model import IncomeType, PayMethod
from app.registry.model import Attribute, Cause, Health, HouseholdStatus, LabourAbility, Relation, RemovalReason
from app.sheets.columns import YES_NO, CellType, Column, Sheet, choices_of, enum_choices

T = CellType

TOWNS = Sheet(
    "乡镇",
    "towns",
    (
        Column(
            "code", "乡镇代码", T.code, True, "国家统计用区划代码,9位,前6位为所在县的代码", "429005101", length=(9, 9)
        ),
        Column("name", "乡镇名称", T.text, True, "乡镇的名称", "彭场镇"),
    ),
)

VILLAGES = Sheet(
    "村",
    "villages",
    (
        Column(
            "code",
            "村代码",
            T.code,
            True,
            "国家统计用区划代码,12位,前9位为所在乡镇的代码",
            "429005101201",
            length=(12, 12),
        ),
        Column("name", "村名称", T.text, True, "村的名称", "新河村"),
        Column("is_poor_village", "贫困村", T.boolean, True, "是否为建档立卡贫困村", "是", YES_NO),
        Column("registered_year", "贫困村认定年度", T.year, False, "贫困村的认定年度;贫困村必填,非贫困村留空", 2014),
        Column("exit_year", "贫困村出列年度", T.year, False, "已出列的贫困村的出列年度,未出列留空", 2018),
        Column("rural_population", "农业人口", T.integer, False, "村的农业人口(计算贫困发生率用)", 1860),
    ),
)

HOUSEHOLDS = Sheet(
    "贫困户",
    "households",
    (
        Column(
            "registry_no",
            "户编号",
            T.code,
            True,
            "全国扶贫开发信息系统的户编号,8到20位数字",
            "42900510120100001",
            length=(8, 20),
        ),
        Column("village_code", "村代码", T.code, True, "户所在村的12位区划代码", "429005101201", length=(12, 12)),
        Column(
            "attribute",
            "贫困户属性",
            T.choice,
            True,
            "一般贫困户、低保贫困户或特困供养贫困户",
            "一般贫困户",
            enum_choices("household attribute", Attribute),
        ),
        Column(
            "causes",
            "致贫原因",
            T.choices,
            True,
            "一个或多个致贫原因,用;分隔",
            "因病;缺技术",
            enum_choices("cause", Cause),
        ),
        Column("identified_year", "识别年度", T.year, True, "识别(建档立卡)的年度", 2014),
        Column("registered_on", "建档立卡日期", T.date, False, "市级审批、建档立卡的日期", "2014-10-20"),
        Column(
            "status",
            "当前状态",
            T.choice,
            True,
            "户当前所处的状态",
            "已脱贫",
            enum_choices("household status", HouseholdStatus),
        ),
        Column("exited_on", "脱贫日期", T.date, False, "脱贫的日期;已脱贫(或已返贫)的户必填", "2018-12-10"),
        Column("returned_on", "返贫日期", T.date, False, "返贫的日期;状态为返贫的户必填", None),
        Column("removed_on", "清退日期", T.date, False, "清退的日期;状态为清退的户必填", None),
        Column(
            "removed_reason",
            "清退原因",
            T.choice,
            False,
            "清退的原因;状态为清退的户必填",
            None,
            enum_choices("removal reason", RemovalReason),
        ),
        Column("late_addition", "补录", T.boolean, False, "首轮识别之后补录的户填“是”", "否", YES_NO),
        Column("address", "住址", T.text, False, "家庭住址", "新河村三组12号", width=24),
        Column("phone", "联系电话", T.text, False, "手机或固定电话", "13800000000"),
        Column("bank_name", "开户银行", T.text, False, "收款(“一卡通”)账户的开户银行", "农村商业银行"),
        Column("bank_card", "银行卡号", T.code, False, "收款账户的卡号(补贴发放用)", "6217000000000000003"),
    ),
)

MEMBERS = Sheet(
    "家庭成员",
    "members",
    (
        Column(
            "registry_no",
            "户编号",
            T.code,
            True,
            "成员所在户的户编号,须在“贫困户”表中",
            "42900510120100001",
            length=(8, 20),
        ),
        Column("name", "姓名", T.text, True, "成员姓名", "张三"),
        Column(
            "id_number", "身份证号", T.code, True, "18位公民身份号码(末位可为X)", "429005196503040078", length=(18, 18)
        ),
        Column(
            "relation", "与户主关系", T.choice, True, "每户有且只有一位户主", "户主", enum_choices("relation", Relation)
        ),
        Column(
            "labour_ability",
            "劳动能力",
            T.choice,
            True,
            "普通劳动力、技能劳动力、弱劳动力或无劳动力",
            "普通劳动力",
            enum_choices("labour ability", LabourAbility),
        ),
        Column("health", "健康状况", T.choice, False, "留空为健康", "健康", enum_choices("health", Health)),
        Column("in_school", "在校生", T.boolean, False, "在校就读填“是”", "否", YES_NO),
    ),
)

ENTERPRISES = Sheet(
    "经营主体",
    "enterprises",
    (
        Column("name", "名称", T.text, True, "企业、合作社或家庭农场的名称", "汉川虾稻专业合作社", width=28),
        Column(
            "kind",
            "主体类型",
            T.choice,
            True,
            "企业、合作社或家庭农场",
            "合作社",
            enum_choices("enterprise kind", EnterpriseKind),
        ),
        Column(
            "credit_code",
            "统一社会信用代码",
            T.code,
            True,
            "18位统一社会信用代码(含校验位)",
            "93429005MA0000001E",
            length=(18, 18),
        ),
        Column("town_code", "乡镇代码", T.code, True, "主体所在乡镇的9位区划代码", "429005101", length=(9, 9)),
        Column(
            "industries",
            "产业",
            T.text,
            True,
            "产业代码,多个用;分隔(如 crayfish_rice 虾稻;见产业目录)",
            "crayfish_rice",
            width=20,
        ),
        Column("contact_name", "联系人", T.text, False, "联系人姓名", "李四"),
        Column("contact_phone", "联系电话", T.text, False, "联系人电话", "13900000000"),
    ),
)

BASES = Sheet(
    "基地",
    "bases",
    (
        Column(
            "enterprise_credit_code",
            "主体信用代码",
            T.code,
            True,
            "基地所属主体的统一社会信用代码",
            "93429005MA0000001E",
            length=(18, 18),
        ),
        Column("name", "基地名称", T.text, True, "基地名称,同一主体内不重复", "新河虾稻基地", width=20),
        Column("industry", "产业", T.text, True, "产业代码(见产业目录)", "crayfish_rice"),
        Column("village_code", "村代码", T.code, True, "基地所在村的12位区划代码", "429005101201", length=(12, 12)),
        Column("area", "面积", T.decimal, True, "按产业的计量单位(四个预置产业为亩)", "320.5"),
    ),
)

LINKS = Sheet(
    "带贫关系",
    "links",
    (
        Column("registry_no", "户编号", T.code, True, "带动的贫困户的户编号", "42900510120100001", length=(8, 20)),
        Column(
            "enterprise_credit_code",
            "主体信用代码",
            T.code,
            True,
            "带动主体的统一社会信用代码",
            "93429005MA0000001E",
            length=(18, 18),
        ),
        Column("base", "基地名称", T.text, True, "主体的基地名称", "新河虾稻基地", width=20),
        Column(
            "kind",
            "带动方式",
            T.choice,
            True,
            "入股分红、务工、合作(订单)或加盟",
            "入股分红",
            choices_of("link kind", (k.value for k in OPERATOR_KINDS)),
        ),
        Column("start_date", "开始日期", T.date, True, "带动关系开始的日期", "2017-03-01"),
        Column("end_date", "结束日期", T.date, False, "带动关系结束的日期,未结束留空", None),
        Column("share_capital", "入股金额", T.money, False, "入股分红:股金(元)", "5000.00"),
        Column("dividend_rate", "保底分红比例", T.decimal, False, "入股分红:每年保底分红占股金的比例,0.08即8%", "0.08"),
        Column(
            "dividend_period",
            "分红周期",
            T.choice,
            False,
            "入股分红:留空为按年",
            "按年",
            enum_choices("dividend period", DividendPeriod),
        ),
        Column(
            "wage_basis", "计薪方式", T.choice, False, "务工:按日或按月", None, enum_choices("wage basis", WageBasis)
        ),
        Column("wage_rate", "工资标准", T.money, False, "务工:每日或每月工资(元)", None),
        Column("contract_price", "收购价格", T.money, False, "合作(订单):每单位的约定收购价(元)", None),
        Column("contract_unit", "计量单位", T.text, False, "合作(订单):收购的计量单位,如 公斤", None),
        Column("contracted_quantity", "约定数量", T.decimal, False, "合作(订单):约定收购的数量", None),
        Column("franchise_terms", "加盟条款", T.text, False, "加盟:条款摘要", None, width=24),
        Column("franchise_fee", "加盟费", T.money, False, "加盟:加盟费(元)", None),
        Column("franchise_split", "分成比例", T.decimal, False, "加盟:贫困户所得收入的比例", None),
        Column("note", "备注", T.text, False, "备注", None, width=24),
    ),
)

# the columns of today's payout CSV import (app/payouts/csv_import.py, PayoutCsvRow), and the enterprise: a
# county's file holds the payouts of all its enterprises (an operator's account imports its own enterprise's
# and may leave the column blank)
PAYOUTS = Sheet(
    "收益发放",
    "payouts",
    (
        Column("registry_no", "户编号", T.code, True, "收款贫困户的户编号", "42900510120100001", length=(8, 20)),
        Column(
            "enterprise_credit_code",
            "主体信用代码",
            T.code,
            False,
            "发放收益的主体的统一社会信用代码;主体账户导入本主体的收益时可留空,其他账户必填",
            "93429005MA0000001E",
            length=(18, 18),
        ),
        Column("base", "基地", T.text, True, "本主体的基地名称(或编号)", "新河虾稻基地", width=20),
        Column(
            "kind",
            "带动方式",
            T.choice,
            True,
            "该户与基地的带动方式",
            "入股分红",
            choices_of("link kind", (k.value for k in OPERATOR_KINDS)),
        ),
        Column("amount", "金额", T.money, True, "发放金额(元,两位小数)", "400.00"),
        Column("period_from", "收益期起", T.date, True, "收益所属期间的第一天", "2017-01-01"),
        Column("period_to", "收益期止", T.date, True, "收益所属期间的最后一天", "2017-12-31"),
        Column("paid_on", "发放日期", T.date, True, "实际发放的日期", "2017-12-20"),
        Column(
            "method", "发放方式", T.choice, True, "银行转账或现金", "银行转账", enum_choices("pay method", PayMethod)
        ),
        Column("reference", "凭证号", T.text, True, "银行流水号或收据号,同一主体内不重复", "YH20171220-001"),
        Column(
            "income_type",
            "收益类型",
            T.choice,
            False,
            "留空时按带动方式确定(入股为分红,务工为工资……)",
            None,
            # an asset's income reaches households by its distribution (app/assets), never by an import
            choices_of("income type", (t.value for t in IncomeType if t is not IncomeType.asset_income)),
        ),
    ),
)

# the columns of the cross-check CSV import (app/crosscheck/controllers.py, DepartmentRecordIn)
DEPARTMENT_RECORDS = Sheet(
    "部门比对数据",
    "department_records",
    (
        Column(
            "department",
            "部门",
            T.text,
            True,
            "提供数据的部门代码,如 housing(住建)、public_security(公安)、provident_fund(公积金)",
            "housing",
        ),
        Column(
            "item",
            "事项",
            T.text,
            True,
            "数据事项代码,如 shop(商铺)、commercial_housing(商品房)、vehicle(车辆)",
            "shop",
        ),
        Column(
            "id_number", "身份证号", T.code, True, "数据所指人员的18位身份证号", "429005196503040078", length=(18, 18)
        ),
        Column("as_of", "数据日期", T.date, True, "部门数据所载事实的日期", "2017-01-01"),
        Column("value", "内容", T.text, False, "数据内容,如 车辆价值(元)、房产地址", "汉川市某小区3栋", width=24),
    ),
)

KINDS: Mapping[str, tuple[Sheet, ...]] = {
    "regions": (TOWNS, VILLAGES),
    "households": (HOUSEHOLDS, MEMBERS),
    "enterprises": (ENTERPRISES,),
    "bases": (BASES,),
    "links": (LINKS,),
    "payouts": (PAYOUTS,),
    "department-records": (DEPARTMENT_RECORDS,),
}
"""Each kind of import -> its sheets in order, each with its ordered columns."""
