"""Console labels: Chinese first (the users are Chinese officials and staff), English on request."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "app": ("ChainAid 产业扶贫管理平台", "ChainAid industry relief console"),
    "sign_in": ("登录", "Sign in"), "sign_out": ("退出", "Sign out"), "token": ("账户令牌", "Account token"),
    "bad_token": ("令牌无效或已注销", "The token is invalid or revoked"),
    "overview": ("总览", "Overview"), "schemes": ("补贴方案", "Subsidy schemes"), "claims": ("补贴申请", "Claims"),
    "batches": ("支付批次", "Payment batches"), "households": ("贫困户", "Households"),
    "links": ("利益联结", "Links"), "payouts": ("收益发放", "Payouts"), "upload": ("批量导入", "CSV upload"),
    "support": ("千企帮千村", "Village support"), "audit": ("审计日志", "Audit trail"),
    "anomalies": ("异常监测", "Anomalies"), "refused": ("无权访问", "Not allowed"),
    "refused_text": ("您的角色无权查看此页面。", "Your role may not open this page."),
    "budget": ("预算", "Budget"), "used": ("已审批", "Approved"), "left": ("剩余", "Left"),
    "year": ("年度", "Year"), "name": ("名称", "Name"), "status": ("状态", "Status"), "town": ("区镇处", "Town"),
    "village": ("村", "Village"), "industry": ("产业", "Industry"), "household": ("农户", "Household"),
    "quantity": ("数量", "Quantity"), "declared": ("申报数量", "Declared"), "verified": ("核实数量", "Verified"),
    "amount": ("金额", "Amount"), "explanation": ("计算过程", "Calculation"), "approve": ("审批通过", "Approve"),
    "reject": ("驳回", "Reject"), "reason": ("理由", "Reason"), "approve_selected": ("批量审批", "Approve selected"),
    "voucher": ("审批凭证", "Voucher"), "print": ("打印", "Print"), "filter": ("筛选", "Filter"),
    "all": ("全部", "All"), "previous": ("上一页", "Previous"), "next": ("下一页", "Next"),
    "create_batch": ("生成支付批次", "Create a batch"), "bank_file": ("下载银行文件", "Bank file"),
    "bank_result": ("上传银行回单", "Upload the bank's result"), "paid": ("已支付", "Paid"),
    "failed": ("失败", "Failed"), "pending": ("待处理", "Pending"), "members": ("家庭成员", "Members"),
    "events": ("办理记录", "History"), "objections": ("公示异议", "Objections"), "next_step": ("下一步", "Next step"),
    "note": ("备注", "Note"), "save": ("提交", "Submit"), "file_claim": ("申报补贴", "File a claim"),
    "verify_claim": ("实地核实", "Field verification"), "inspector": ("核查人", "Inspector"),
    "date": ("日期", "Date"), "kind": ("类型", "Kind"), "check_file": ("检查文件", "Check the file"),
    "write_rows": ("确认导入", "Write the rows"), "bad_rows": ("有问题的行", "Rows with problems"),
    "nothing_written": ("未写入任何数据。", "Nothing was written."), "written": ("已写入", "Written"),
    "line": ("行", "Line"), "field": ("字段", "Field"), "message": ("原因", "Reason"),
    "chain_check": ("校验哈希链", "Check the chain"), "entity": ("对象", "Entity"), "actor": ("操作人", "Actor"),
    "action": ("操作", "Action"), "time": ("时间", "Time"), "monitoring": ("返贫监测", "Return-to-poverty watch"),
    "arrears": ("分红欠付", "Dividend arrears"), "flags": ("比对疑点", "Cross-check flags"),
    "payouts_chart": ("各月收益发放（按类型）", "Payouts per month, by type"),
    "industry_chart": ("各月收益发放（按产业）", "Payouts per month, by industry"),
    "subsidy_chart": ("补贴（按区镇处）", "Subsidies by town"), "registry_no": ("户编号", "Registry no."),
    "people": ("人口", "People"), "reference": ("流水号", "Reference"), "paid_on": ("发放日期", "Paid on"),
    "record_support": ("登记帮扶", "Log support"), "ok": ("完好", "intact"), "broken": ("被篡改", "BROKEN"),
    "raise_objection": ("登记异议", "Record an objection"), "raised_by": ("异议人", "Raised by"),
    "resolve": ("处理", "Resolve"), "language": ("English", "中文"),
}


def translator(lang: str):
    index = 1 if lang == "en" else 0

    def t(key: str) -> str:
        pair = LABELS.get(key)
        return pair[index] if pair else key

    return t
