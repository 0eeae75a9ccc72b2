"""A deterministic synthetic Qianjiang, for newcomers and for the figures in the city's 2017 report.

``load_demo()`` fills an empty database set-based (COPY), in seconds: 22 towns; 51 poor villages
registered in 2014, 27 since exited; 22,108 registered households with 64,052 people, 24,399 of them
exited; 1,691 people removed and 1,691 added after the first round; 42 enterprises paired with all 51
poor villages; links in the four industries with a year of payouts; a 2017 subsidy scheme with claims
at every stage; and an account for each role. Since 2021 (``app.demo.monitoring``): Hubei's monitoring lines
(the demo's own figures) and a monitoring caseload of a few per cent of the exited households a year, through
identification (some overdue), measures and risk elimination, up to the demo's last day, 2025-11-30; ordinary
households (never registered, on no register figure or list) taken in as marginal or sudden-hardship cases,
some 325 a county; and a monitoring round a month from February 2021 with a visit to each open case. Project
assets (``app.demo.assets``): 16 a county, per industry, funded 2015-2017, their ownership confirmed, 13 run by
the county's enterprises, their 2017 income distributed to households as ``asset_income`` carved out of the
share dividends the demo pays (no household's income and no ledger total changes).

``load_demo(counties=N)`` (``chainaid demo --counties N``) builds a province of N such counties under Hubei
(42): 429005 潜江市, then 示范县2 (429006), 示范县3 (429007), ... each with the same figures.
"""

from app.demo.loader import MAX_COUNTIES, DemoAccounts, DemoRefused, county_codes, load_demo

__all__ = ["MAX_COUNTIES", "DemoAccounts", "DemoRefused", "county_codes", "load_demo"]
