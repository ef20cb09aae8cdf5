"""The report page in a real browser: Debian's headless Chromium, driven by Selenium.

usage: page_test.py PAGE.html EVENTS.jsonl SCREENSHOT.png
Checks, printing one TAP line each: the picture loads; the DOM holds one event element per
line of the JSON timeline, with its type and start; clicking an event moves the audio to
its start and shows its fields; the arrow keys go to the next and previous event; space
plays and pauses; a screenshot shows the page (written to SCREENSHOT.png)."""
import json
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

page, events_path, shot = sys.argv[1:4]
expected = [json.loads(line) for line in open(events_path) if line.strip()]
n = 0
failed = 0


def check(ok, what):
    global n, failed
    n += 1
    failed += not ok
    print(("ok" if ok else "not ok") + " %d - %s" % (n, what), flush=True)


opts = Options()
for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1700,1300",
          "--autoplay-policy=no-user-gesture-required", "--mute-audio"):
    opts.add_argument(a)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
try:
    driver.get("file://" + page)
    img = driver.find_element(By.ID, "spectrogram")
    natural = driver.execute_script("return [arguments[0].complete, arguments[0].naturalWidth]", img)
    check(natural[0] and natural[1] == 1600, "the picture loads (naturalWidth %s)" % natural[1])
    nodes = driver.find_elements(By.CSS_SELECTOR, ".event")
    check(len(nodes) == len(expected), "one element per event: %d elements, %d in the JSON" % (len(nodes), len(expected)))
    got = sorted((nd.get_attribute("data-type"), round(float(nd.get_attribute("data-t")), 3)) for nd in nodes)
    want = sorted((e["type"], round(e["t_s"], 3)) for e in expected)
    check(got == want, "each element carries its event's type and start")
    audio = driver.find_element(By.ID, "audio")
    duration = driver.execute_script(
        "const a=arguments[0]; return new Promise(r=>{if(a.readyState>=1)r(a.duration);"
        "else a.addEventListener('loadedmetadata',()=>r(a.duration));})", audio)
    check(abs(duration - max(e["end_s"] for e in expected)) < 0.5, "the audio is the call's (%.2f s)" % duration)
    target = next(nd for nd in nodes if nd.get_attribute("data-type") == "cm")
    t0 = float(target.get_attribute("data-t"))
    target.click()
    now = driver.execute_script("return arguments[0].currentTime", audio)
    check(abs(now - t0) < 0.3, "clicking CM puts the audio at its start (%.3f, CM at %.3f)" % (now, t0))
    fields = driver.find_element(By.ID, "fields").text
    check('"type": "cm"' in fields and "v22bis" in fields, "CM's fields show: the modes it offers")
    order = sorted(nodes, key=lambda nd: int(nd.get_attribute("data-i")))
    index = next(i for i, nd in enumerate(order) if nd == target)
    driver.execute_script("arguments[0].pause()", audio)
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.ARROW_RIGHT)
    nxt = float(order[index + 1].get_attribute("data-t"))
    now = driver.execute_script("return arguments[0].currentTime", audio)
    check("selected" in order[index + 1].get_attribute("class") and abs(now - nxt) < 0.05,
          "the right arrow goes to the next event (%.3f)" % nxt)
    body.send_keys(Keys.ARROW_LEFT)
    check("selected" in target.get_attribute("class"), "the left arrow goes back")
    paused = driver.execute_script("return arguments[0].paused", audio)
    body.send_keys(Keys.SPACE)
    time.sleep(0.5)
    check(driver.execute_script("return arguments[0].paused", audio) != paused, "space plays or pauses")
    driver.save_screenshot(shot)
    png = open(shot, "rb").read()
    check(png[:4] == b"\x89PNG" and len(png) > 50000, "a screenshot of the page (%d bytes)" % len(png))
finally:
    driver.quit()
print("1..%d" % n)
sys.exit(1 if failed else 0)
