"""The certificate statistics at an office screen's width (issue 15 tryout, 1366 px): the chart's legend has its own
strip above the bars instead of being drawn over them, and the year form is one line (a narrow year, "查看" not
wrapped to "查/看"), in Chinese and in English."""

import pytest

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.support.factories import CertificateTypeFactory, RegistrationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The plot's rectangle and the legend's, in the chart's pixels (ECharts' own layout: the bars are drawn in the grid).
MEASURE = """() => {
  const chart = window.portalStatsChart;
  const model = chart.getModel();
  const grid = model.getComponent('grid').coordinateSystem.getRect();
  const view = chart.getViewOfComponentModel(model.getComponent('legend'));
  const box = view.group.getBoundingRect();
  const button = document.querySelector('form[method=get] button');
  const year = document.querySelector('form[method=get] input[name=year]');
  const lineHeight = parseFloat(getComputedStyle(button).lineHeight);
  const padding = parseFloat(getComputedStyle(button).paddingTop) + parseFloat(getComputedStyle(button).paddingBottom);
  return {
    gridTop: grid.y, legendBottom: view.group.y + box.y + box.height, legendItems: model.getComponent('legend').getData().length,
    buttonHeight: button.getBoundingClientRect().height, buttonOneLine: lineHeight + padding + 2,
    buttonText: button.innerText, yearWidth: year.getBoundingClientRect().width,
  };
}"""


def test_the_legend_sits_above_the_bars_and_the_year_form_is_one_line(browser, live_server, world,
                                                                      committee_staff) -> None:  # noqa: ANN001
    for n, name in enumerate(["居住情况证明", "亲属关系证明（用于办理户籍迁移）", "无工作单位证明", "家庭经济困难情况证明",
                              "独生子女家庭情况证明", "同意办理临时户口的证明"]):
        kind = CertificateTypeFactory(name=name, district=world.huangpu)
        for _ in range(n + 1):
            RegistrationFactory(committee=world.baoxing, certificate_type=kind, issuer=committee_staff)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        log_in(page, live_server, committee_staff.username, PASSWORD)
        for language, show in (("zh-hans", "查看"), ("en", "Show")):
            context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
            page.goto(f"{live_server.url}/certificates/statistics/")
            page.wait_for_function("() => window.portalStatsChart !== undefined")
            found = page.evaluate(MEASURE)
            assert found["legendItems"] == 6, found
            assert found["legendBottom"] <= found["gridTop"], f"{language}: the legend is drawn over the bars {found}"
            assert found["buttonText"] == show and found["buttonHeight"] <= found["buttonOneLine"], \
                f"{language}: the button wraps {found}"
            assert found["yearWidth"] <= 120, f"{language}: the year input is {found['yearWidth']} px wide"
    finally:
        context.close()
