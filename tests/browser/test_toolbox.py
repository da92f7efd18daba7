#!/usr/bin/python3
"""test_toolbox.py -- the web Toolbox in headless Chromium (Debian's
chromium, chromium-driver, python3-selenium), everything on 127.0.0.1:

  a market-sim and a `host-sim web`, each started with port 0 and read
  from its READY line; a store with the Back Market plugin enabled, a
  token registered on the simulator, an admin and a viewer, and a product
  whose title is a <script>.

Checks: log in; a wrong password refused; edit a setting, read the
validation message for a bad value, save a good one; run Validate Token
from the Actions menu and watch the job reach Completed; a POST without
the CSRF token refused; a viewer cannot run an action; the <script> title
shown as text; the product page drawn from the plugin's declared
properties (panels, a panel per market, a market's own price, values as
text); hover a blocked product's Ready To Post and read every reason the
plugin gave; edit a property, read the host's message for a bad value,
save a good one; release a held order from the error queue and see it
accepted by the next order download; the Health page as the viewer
reads it: a chart of the budgets the runs recorded and an order placed
six days ago shown late, linking to its page; a PNG screenshot of each
page in ARTIFACT_DIR (health.png among them).

Usage: test_toolbox.py HOST_SIM MARKET_SIM PLUGIN_DIR SCHEMA_DIR ARTIFACT_DIR
Fails (never skips) when Chromium or its driver is missing.
"""
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request

FAILS = []
COUNT = [0]


def check(cond, what):
    COUNT[0] += 1
    print(("ok: " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        FAILS.append(what)


def start(cmd, env=None):
    """Start a server whose first stdout line is READY port=N."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=sys.stderr,
                         text=True, env=env)
    line = p.stdout.readline()
    if not line.startswith("READY port="):
        p.kill()
        raise SystemExit("%s did not start: %r" % (cmd[0], line))
    return p, int(line.split("=", 1)[1])


def run(cmd, stdin=None):
    r = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("%s: exit %d: %s" % (" ".join(cmd), r.returncode,
                                              r.stderr))
    return r.stdout


def sim_post(port, path, body):
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path),
                                 data=json.dumps(body).encode(),
                                 method="POST")
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read() or b"{}")


def sim_get(port, path):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path),
                                timeout=10) as r:
        return json.loads(r.read())


def main():
    host_sim, market_sim, plugin_dir, schema_dir, art = sys.argv[1:6]
    chromium = shutil.which("chromium")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        print("FAIL: chromium and chromedriver are required (Debian packages "
              "chromium, chromium-driver; packaging/install-deps.sh)")
        return 1
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.common.exceptions import (NoSuchElementException,
                                            StaleElementReferenceException)
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import Select, WebDriverWait

    os.makedirs(art, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="bmc-browser-")
    procs = []
    drv = None
    try:
        env = dict(os.environ, BMC_SCHEMA_DIR=schema_dir)
        sim, sim_port = start([market_sim, "--port", "0"])
        procs.append(sim)
        sim_post(sim_port, "/_sim/merchants", {"id": 789, "name": "Acme"})
        sim_post(sim_port, "/_sim/tokens",
                 {"token": "FAKE-bm-token-browser-0001", "merchant_id": 789,
                  "platform": "eu"})
        # A paid order for a product the host has none of: held.
        sim_post(sim_port, "/_sim/listings",
                 {"merchant_id": 789, "sku": "IPH12-128-A", "quantity": 5,
                  "markets": {"fr-fr": {"price": "399.00",
                                        "currency": "EUR"}}})
        held = sim_post(sim_port, "/_sim/orders",
                        {"merchant_id": 789, "sku": "IPH12-128-A",
                         "quantity": 1, "market": "fr-fr",
                         "price": "399.00"})["order_id"]
        db = os.path.join(tmp, "host.db")
        hs = [host_sim, "--db", db, "--plugin-dir", plugin_dir,
              "--schema-dir", schema_dir]
        co = "Acme Refurbished"
        run(hs + ["init"])
        run(hs + ["companies", "add", co])
        run(hs + ["enable", co, "backmarket"])
        run(hs + ["settings", "set", co, "backmarket", "token", "-"],
            "FAKE-bm-token-browser-0001\n")
        run(hs + ["settings", "set", co, "backmarket", "base_url",
                  "http://127.0.0.1:%d" % sim_port])
        run(hs + ["settings", "set", co, "backmarket", "acceptance_policy",
                  "hold"])
        run(hs + ["users", "add", "alice", "--role", "admin"],
            "alice-password-1\n")
        run(hs + ["users", "add", "victor", "--role", "viewer"],
            "victor-password-1\n")
        csv = os.path.join(tmp, "bulk.csv")
        with open(csv, "w") as f:
            f.write("ProductID,Title,BackmarketTitle,BackmarketPrice_fr-fr,"
                    "SitePrice,AvailableQty\n")
            f.write("EVIL-1,<script>alert('pwned')</script> iPhone 12,"
                    "<script>alert('bm')</script> iPhone 12,389.00,"
                    "399.00,3\n")
            for i in range(60):
                f.write("REF-%03d,Refurbished Galaxy S21 128 GB,,,%d.00,%d\n"
                        % (i, 300 + i, i % 4))
            f.write("IPH12-128-A,iPhone 12 128GB Grade A,iPhone 12 128GB,"
                    "399.00,399.00,0\n")
        run(hs + ["products", "import", co, csv])
        web, web_port = start(hs + ["web", "--listen", "127.0.0.1:0"],
                              env=env)
        procs.append(web)
        base = "http://127.0.0.1:%d" % web_port

        opts = webdriver.ChromeOptions()
        opts.binary_location = chromium
        for a in ("--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-quic", "--no-first-run",
                  "--disable-background-networking",
                  "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--window-size=1280,900",
                  "--user-data-dir=" + os.path.join(tmp, "profile")):
            opts.add_argument(a)
        drv = webdriver.Chrome(service=Service(driver), options=opts)
        drv.set_page_load_timeout(30)
        # The job page reloads itself while the job runs.
        wait = WebDriverWait(drv, 30, ignored_exceptions=(
            NoSuchElementException, StaleElementReferenceException))

        def submit(elem):
            """Click a button that loads a new page; wait for it."""
            old = drv.find_element(By.TAG_NAME, "html")
            elem.click()
            wait.until(EC.staleness_of(old))

        def shot(name):
            drv.save_screenshot(os.path.join(art, name + ".png"))

        def login(user, pw):
            drv.get(base + "/login")
            drv.find_element(By.ID, "user").send_keys(user)
            drv.find_element(By.ID, "password").send_keys(pw)
            submit(drv.find_element(By.ID, "login"))

        def text():
            return drv.find_element(By.TAG_NAME, "body").text

        # A wrong password is refused.
        login("alice", "not-her-password")
        check("wrong user name or password" in text(),
              "wrong password refused with a message")
        shot("login-refused")
        # Log in.
        login("alice", "alice-password-1")
        check("Companies" in drv.title and co in text(),
              "admin logs in and sees the companies")
        shot("companies")
        submit(drv.find_element(By.LINK_TEXT, co))
        shot("company")
        submit(drv.find_element(By.LINK_TEXT, "General Settings"))
        check("Back Market General Settings" in text(),
              "General Settings drawn from the plugin")
        check("FAKE-bm-token-browser-0001" not in drv.page_source,
              "the token is never sent to the browser")
        shot("general-settings")
        # Edit, a bad value, then a good one.
        submit(drv.find_element(By.ID, "edit"))
        f = drv.find_element(By.ID, "f_order_page_size")
        f.clear()
        f.send_keys("500")
        submit(drv.find_element(By.ID, "save"))
        check("order_page_size: out of range: expected 1..100, found 500"
              in text(), "bad value refused with the host's message")
        shot("settings-refused")
        f = drv.find_element(By.ID, "f_order_page_size")
        f.clear()
        f.send_keys("25")
        submit(drv.find_element(By.ID, "save"))
        check(drv.find_elements(By.ID, "saved") and "25" in text(),
              "good value saved")
        out = run(hs + ["settings", "show", co, "backmarket"])
        check(any(l.split()[:3] == ["order_page_size", "=", "25"]
                  for l in out.splitlines()),
              "the store holds the saved value")
        # Validate Token from the Actions menu; the job page refreshes.
        Select(drv.find_element(By.ID, "action")).select_by_visible_text(
            "Validate Token")
        submit(drv.find_element(By.ID, "go"))
        wait.until(lambda d: "Job " in d.title or "Completed" in
                   d.find_element(By.TAG_NAME, "body").text)
        wait.until(lambda d: d.find_element(By.ID, "status").text in
                   ("Completed", "Failed", "Partial Success"))
        check(drv.find_element(By.ID, "status").text == "Completed",
              "Validate Token job completed")
        check("the token is valid" in text(), "job log shows the result")
        shot("job")
        drv.get(base + "/jobs")
        shot("jobs")
        # A POST without the CSRF token is refused.
        drv.get(base + "/settings?c=Acme%20Refurbished&p=backmarket&edit=1")
        drv.execute_script(
            "document.querySelectorAll('#settings-form input[name=csrf]')"
            ".forEach(function(e){e.remove();});")
        submit(drv.find_element(By.ID, "save"))
        check("403" in text() and "CSRF" in text(),
              "POST without the CSRF token refused")
        shot("csrf-refused")
        # Pages.
        for name, path in (
                ("tasks", "/tasks?c=Acme%20Refurbished"),
                ("products", "/products?c=Acme%20Refurbished"),
                ("orders", "/orders?c=Acme%20Refurbished"),
                ("errors", "/errors"),
                ("settlements", "/settlements?c=Acme%20Refurbished"),
                ("audit", "/audit")):
            drv.get(base + path)
            check(drv.title.endswith("Toolbox") and "500" not in
                  drv.title, "page %s renders" % name)
            shot(name)
        # The <script> title is text.
        drv.get(base + "/products?c=Acme%20Refurbished&q=script")
        cell = drv.find_element(By.CSS_SELECTOR, "#products td.title")
        check(cell.text.startswith("<script>alert('pwned')</script>"),
              "the <script> title is shown as text")
        check(not drv.find_elements(By.CSS_SELECTOR, "#products script"),
              "no script element was made from the title")
        shot("products-search")
        submit(drv.find_element(By.LINK_TEXT, "EVIL-1"))
        body = text()
        check("Back Market: General" in body and
              "Back Market: Pricing" in body,
              "the product page draws the plugin's property panels")
        check("<script>alert('bm')</script> iPhone 12" in body and
              not drv.find_elements(By.CSS_SELECTOR, ".panel script"),
              "a property value is shown as text")
        check(any(p.find_element(By.TAG_NAME, "h2").text ==
                  "Back Market: Market fr-fr" and "389.00" in p.text
                  for p in drv.find_elements(By.CSS_SELECTOR, ".panel")),
              "a market's own price is shown in that market's panel")
        shot("product")
        check(any(p.text.startswith("Back Market: Market fr-fr") for p in
                  drv.find_elements(By.CSS_SELECTOR, ".panel h2")),
              "the product page has a panel per market")
        # Ready To Post: hover the red No of a blocked product and read
        # every reason the plugin stored.
        run(hs + ["run", co, "backmarket", "ready_to_post"])
        out = json.loads(run(hs + ["ready", co, "REF-007", "--json"]))
        want = [r for r in out if r["market"] == ""][0]["reasons"]
        drv.get(base + "/product?c=Acme%20Refurbished&sku=REF-007")
        no = drv.find_element(By.ID, "ready_to_post")
        tip = no.find_element(By.CSS_SELECTOR, ".tipbox")
        check(no.text.startswith("No") and not tip.is_displayed(),
              "Ready To Post shows a red No, reasons hidden until hover")
        drv.execute_script("arguments[0].scrollIntoView({block: 'start'});"
                           "window.scrollBy(0, -120);", no)
        ActionChains(drv).move_to_element(no).perform()
        wait.until(lambda d: tip.is_displayed())
        check(len(want) >= 2 and all(w in tip.text for w in want),
              "hovering the No shows every reason (%d)" % len(want))
        check(all(w in no.get_attribute("title") for w in want),
              "every reason is in the hover title")
        items = [li.text for li in drv.find_elements(
            By.CSS_SELECTOR, "#ready_to_post-reasons li")]
        check(items == want, "every reason is listed without script")
        shot("product-ready-hover")
        # Edit a property: a bad value refused with the host's message,
        # nothing saved; then a good one.
        submit(drv.find_element(By.ID, "edit"))
        shot("product-edit")
        f = drv.find_element(By.NAME, "f:backmarket:warranty_months:fr-fr")
        f.clear()
        f.send_keys("200")
        submit(drv.find_element(By.ID, "save"))
        check(drv.find_elements(By.ID, "not-saved") and
              "Warranty Delay (fr-fr): out of range: expected 0..120, "
              "found 200" in text(), "bad property value refused with the "
              "host's message")
        shot("product-refused")
        f = drv.find_element(By.NAME, "f:backmarket:warranty_months:fr-fr")
        f.clear()
        f.send_keys("12")
        submit(drv.find_element(By.ID, "save"))
        check(drv.find_elements(By.ID, "saved"), "good property value saved")
        show = json.loads(run(hs + ["products", "show", co, "REF-007",
                                    "--json"]))
        check(any(p["key"] == "warranty_months" and p["market"] == "fr-fr"
                  and p["value"] == "12" for p in show["properties"]),
              "the store holds the saved property")
        # A held order: Order Download holds it (no stock); release it
        # from the error queue; the next download accepts it.
        drv.get(base + "/settings?c=Acme%20Refurbished&p=backmarket")

        def run_action(name):
            Select(drv.find_element(By.ID, "action")).select_by_visible_text(
                name)
            submit(drv.find_element(By.ID, "go"))
            wait.until(lambda d: d.find_element(By.ID, "status").text in
                       ("Completed", "Failed", "Partial Success"))
            return drv.find_element(By.ID, "status").text

        check(run_action("Order Download") == "Partial Success",
              "Order Download holds the order without stock")
        drv.get(base + "/errors")
        shot("errors-held")
        link = [a for a in drv.find_elements(By.CSS_SELECTOR,
                                             "#errors a.btn")
                if a.get_attribute("id").startswith("order-")]
        check(len(link) == 1, "the held order's entry links to the order")
        submit(link[0])
        check("held for review" in text(), "the order page offers Release")
        drv.find_element(By.ID, "release-note").send_keys("stock found")
        submit(drv.find_element(By.ID, "release"))
        check(drv.find_elements(By.ID, "done") and
              "InProcess" in text(), "the order is released")
        shot("order-released")
        state = sim_get(sim_port, "/_sim/orders/%d" % held)
        check(state["orderlines"][0]["state"] == 1,
              "not accepted on Back Market before the next download")
        drv.get(base + "/settings?c=Acme%20Refurbished&p=backmarket")
        run_action("Order Download")
        state = sim_get(sim_port, "/_sim/orders/%d" % held)
        check(state["orderlines"][0]["state"] == 2,
              "the next Order Download accepted the released order")
        audit = run(hs + ["users", "audit", "--user", "alice"])
        check("POST 303 /order/release" in audit,
              "the release is in the audit with the user")
        # A viewer cannot run an action.
        submit(drv.find_element(By.CSS_SELECTOR, ".top form button"))
        login("victor", "victor-password-1")
        drv.get(base + "/settings?c=Acme%20Refurbished&p=backmarket")
        Select(drv.find_element(By.ID, "action")).select_by_visible_text(
            "Validate Token")
        submit(drv.find_element(By.ID, "go"))
        check("403" in text() and "viewer" in text(),
              "a viewer cannot run an action")
        shot("viewer-refused")
        jobs = run(hs + ["jobs"])
        check(jobs.count("validate_token") == 1,
              "the viewer's attempt made no job")
        audit = run(hs + ["users", "audit", "--user", "victor"])
        check("POST 403 /run" in audit, "the refusal is in the audit")
        # Health: an order placed six days ago is past its dispatch
        # deadline once downloaded; the runs recorded their budget use.
        sim_post(sim_port, "/_sim/listings",
                 {"merchant_id": 789, "sku": "REF-003", "quantity": 5,
                  "markets": {"fr-fr": {"price": "303.00",
                                        "currency": "EUR"}}})
        placed = (datetime.datetime.now(datetime.timezone.utc) -
                  datetime.timedelta(days=6)).strftime("%Y-%m-%dT%H:%M:%SZ")
        late = sim_post(sim_port, "/_sim/orders",
                        {"merchant_id": 789, "sku": "REF-003",
                         "quantity": 1, "market": "fr-fr",
                         "price": "303.00",
                         "date_creation": placed})["order_id"]
        subprocess.run(hs + ["run", co, "backmarket", "order_download"],
                       capture_output=True)
        facts = json.loads(run(hs + ["health", co, "--json"]))
        check(any(o["order"] == str(late) and o["late"]
                  for f in facts for o in f["dispatch"]["orders"]),
              "the host's health facts have the old order late")
        drv.get(base + "/health?c=Acme%20Refurbished")
        check(drv.title.startswith("Health"), "a viewer reads the Health page")
        charts = [c.get_attribute("aria-label") or "" for c in
                  drv.find_elements(By.CSS_SELECTOR, ".chart svg")]
        check(any(c.startswith("budget_") for c in charts),
              "a chart of a recorded budget series is drawn")
        check(drv.find_elements(By.CSS_SELECTOR, ".chart svg rect.use"),
              "the budget chart has bars")
        rows = [r.text for r in drv.find_elements(By.CSS_SELECTOR,
                                                  "tr.logerr")]
        check(any(r.startswith(str(late)) and "late by" in r for r in rows),
              "the old order is shown late")
        drv.set_window_size(1280, 1200)
        shot("health")
        drv.set_window_size(1280, 900)
        submit(drv.find_element(By.LINK_TEXT, str(late)))
        check(str(late) in text() and drv.current_url.startswith(
            base + "/order?id="), "the late order links to its page")
    finally:
        if drv:
            drv.quit()
        for p in procs:
            p.terminate()
            p.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (COUNT[0] - len(FAILS), len(FAILS)))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
