import Foundation
import OrchestrateTestSupport
import Testing

/// The dashboard in a real browser: headless Chromium driven by Selenium (chromium-driver).
@Suite("dashboard: browser")
struct BrowserTests {
    static let script = #"""
    import json, subprocess, sys, time
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    link, repo, out, binary = sys.argv[1:5]
    base = link.split("/?")[0]
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    result = {}
    # Read through the DOM in one step: the page swaps its <main> when the audit trail changes,
    # which would leave a found element stale.
    def text(element_id):
        return driver.execute_script("const e = document.getElementById(arguments[0]); return e ? e.textContent : null", element_id)
    try:
        wait = WebDriverWait(driver, 15)
        driver.get(link)
        result["url"] = driver.current_url
        wait.until(lambda d: text("live") == "live")
        result["board"] = driver.find_element(By.TAG_NAME, "main").text
        driver.save_screenshot(out + "/1-board.png")
        started = time.time()
        subprocess.run([binary, "add", "Arrives while you look", "--id", "LIVE1"], cwd=repo, check=True, capture_output=True)
        added = time.time()
        WebDriverWait(driver, 5, poll_frequency=0.05).until(lambda d: d.find_elements(By.ID, "task-LIVE1"))
        result["liveSeconds"] = time.time() - added
        driver.save_screenshot(out + "/2-board-live.png")
        driver.find_element(By.CSS_SELECTOR, "#task-T1 a").click()
        wait.until(lambda d: d.find_elements(By.ID, "diff"))
        result["diff"] = text("diff")
        result["files"] = text("files")
        driver.save_screenshot(out + "/3-review.png")
        wait.until(lambda d: text("live") == "live")
        comment = driver.find_element(By.CSS_SELECTOR, "#approve input[name=comment]")
        comment.send_keys("approved from the browser")
        driver.find_element(By.CSS_SELECTOR, "#approve button").click()
        wait.until(lambda d: "approved T1" in (text("flash") or "") or "error" in (text("flash") or ""))
        result["flash"] = text("flash")
        wait.until(lambda d: text("state") == "approved" and text("approvals"))
        result["state"] = text("state")
        result["approvals"] = text("approvals")
        driver.save_screenshot(out + "/4-approved.png")
        driver.get(base + "/metrics")
        wait.until(lambda d: d.find_elements(By.ID, "landed-chart"))
        driver.save_screenshot(out + "/5-metrics.png")
        driver.get(base + "/log?kind=approved")
        result["log"] = driver.find_element(By.TAG_NAME, "main").text
    except Exception as error:
        result["error"] = repr(error)
        driver.save_screenshot(out + "/failure.png")
    finally:
        driver.quit()
    print(json.dumps(result))
    """#

    @Test("Chromium loads the board, sees a task another process adds, opens a review and approves it")
    func chromium() throws {
        guard ToolInstall.ensure("chromium", apt: ["chromium", "chromium-driver"]),
            ToolInstall.ensure("chromedriver", apt: ["chromium-driver"]),
            ToolInstall.ensurePython("selenium", pip: "selenium")
        else {
            print("SKIPPED the browser test: chromium, chromium-driver or python selenium could not be installed")
            return
        }
        let repo = try ReviewFixture.repo()
        try ReviewFixture.submittedTask(repo, id: "T1", file: "prices.txt", content: "one\n<script>alert(1)</script>\n")
        // The person running serve is Rita, not Ada who wrote T1.
        repo.setEnv("GIT_COMMITTER_NAME", "Rita Reviewer")
        repo.setEnv("GIT_COMMITTER_EMAIL", "rita@example.com")
        let d = try Dashboard(repo)
        let out = ToolInstall.artifacts("dashboard")
        try? FileManager.default.removeItem(atPath: out + "/failure.png")
        try Data(Self.script.utf8).write(to: URL(fileURLWithPath: repo.scratch + "/browser.py"))
        let run = try runProcess(
            ["python3", repo.scratch + "/browser.py", d.link, repo.path, out, orchestrateBinary], cwd: repo.path, environment: repo.environment)
        print("browser screenshots: \(out)")
        let result = try #require(try TestRepo.json(run.stdout.split(separator: "\n").last.map(String.init) ?? "") as? [String: Any], "\(run)")
        print("browser: the task added by another process showed after \(result["liveSeconds"] ?? "?") s")
        #expect(result["error"] == nil, "\(result)\n\(run.stderr)\n\(d.stderr)")
        #expect(result["url"] as? String == d.base + "/")  // the token left the address bar
        #expect((result["board"] as? String)?.contains("Merge order") == true)
        #expect((result["liveSeconds"] as? Double ?? 99) < 1.0, "\(result)")
        #expect((result["diff"] as? String)?.contains("+<script>alert(1)</script>") == true)  // shown, not run
        #expect((result["flash"] as? String)?.hasPrefix("approved T1") == true, "\(result)")
        #expect(result["state"] as? String == "approved")
        #expect((result["approvals"] as? String)?.contains("Rita Reviewer <rita@example.com>") == true)
        #expect((result["log"] as? String)?.contains("approved") == true)
        let approval = try #require(try repo.auditEvents(task: "T1").last)
        #expect(approval["kind"] as? String == "approved")
        #expect((approval["detail"] as? [String: Any])?["comment"] as? String == "approved from the browser")
    }
}
