"""Reports of a grading run: results.json (Gradescope's autograder format) and junit.xml.

Written atomically at the end of a run; removed when a run starts, so a report never stands for another
run. Every text in them is cleaned first (valid UTF-8, no control characters)."""
import base64
import json
import os
import tempfile
import unicodedata
import xml.etree.ElementTree as ET


STATUS_LABEL = {
    "passed": "passed", "failed": "failed", "held": "held back", "not_attempted": "not attempted",
    "crashed": "crashed", "timed_out": "timed out", "compile_error": "does not compile", "rejected": "rejected",
}


def clean_text(text, limit=2000):
    """Printable text for the screen, JSON and XML: valid UTF-8, no control characters but newlines."""
    if isinstance(text, bytes):
        text = text[:4 * limit + 4].decode("utf-8", errors="replace")
    text = text[:4 * limit + 4]  # enough for the limit after cleaning; never walk megabytes
    text = text.replace("\t", " ").replace("\r\n", "\n")
    text = "".join(c for c in text if c == "\n" or unicodedata.category(c) not in ("Cc", "Cs", "Cn", "Co"))
    return text if len(text) <= limit else text[:limit - 3] + "..."


def shorten(text, limit):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def remove_reports(report_dir):
    """Called when a run starts: a report left from an earlier run must never stand for this one."""
    for name in ("results.json", "junit.xml"):
        try:
            os.remove(os.path.join(report_dir, name))
        except FileNotFoundError:
            pass


def _write_atomically(path, data):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp_" + os.path.basename(path))
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def test_name(cr, t):
    """A test as the reports name it: 'chapter / Exercise.Test' (./wb grade-class reads it back)."""
    return f"{cr.chapter.name} / {t.exercise}.{t.test}"


def gradescope_report(results, execution_time):
    """results.json with only the keys Gradescope's autograder specification documents."""
    tests = []
    for cr in results:
        for ti, t in enumerate(cr.tests, 1):
            status = STATUS_LABEL[t.status]
            output = status if t.status == "passed" else f"{status}: {t.message}\nhint: {t.hint}"
            tests.append({
                "name": test_name(cr, t),
                "number": f"{cr.chapter.number.lstrip('0') or '0'}.{ti}",
                "score": t.score,
                "max_score": t.points,
                "status": "passed" if t.status == "passed" else "failed",
                "output": clean_text(output, 500),
                "tags": [t.status, cr.chapter.name, t.exercise],
                "visibility": t.visibility,
            })
    return {
        "score": sum(r.score for r in results),
        "execution_time": round(execution_time, 1),
        "output": "; ".join(f"chapter {r.chapter.name}: {r.score}/{r.max_score}" for r in results),
        "visibility": "visible",
        "stdout_visibility": "visible",
        "tests": tests,
    }


def junit_report(results):
    suites = ET.Element("testsuites", tests=str(sum(len(cr.tests) for cr in results)))
    for cr in results:
        failures = sum(1 for t in cr.tests if t.status in ("failed", "held", "compile_error", "rejected"))
        errors = sum(1 for t in cr.tests if t.status in ("crashed", "timed_out"))
        skipped = sum(1 for t in cr.tests if t.status == "not_attempted")
        suite = ET.SubElement(suites, "testsuite", name=cr.chapter.name, tests=str(len(cr.tests)),
                              failures=str(failures), errors=str(errors), skipped=str(skipped))
        for t in cr.tests:
            case = ET.SubElement(suite, "testcase", classname=f"{cr.chapter.name}.{t.exercise}", name=t.test)
            ET.SubElement(case, "properties").extend([
                ET.Element("property", name="points", value=str(t.points)),
                ET.Element("property", name="status", value=t.status)])
            message = clean_text(t.message)
            if t.status == "not_attempted":
                ET.SubElement(case, "skipped", message=f"not attempted: {clean_text(t.stub)}")
            elif t.status in ("crashed", "timed_out"):
                ET.SubElement(case, "error", message=STATUS_LABEL[t.status]).text = message
            elif t.status != "passed":
                ET.SubElement(case, "failure", message=shorten(message, 200)).text = f"{message}\nhint: {t.hint}"
    return ET.tostring(suites, encoding="utf-8", xml_declaration=True)


def classroom_payload(results):
    """What GitHub Classroom's autograding-grading-reporter reads from a runner step (its <RUNNER>_RESULTS,
    base64 JSON): every graded test with its points; Classroom records the sum of the scores."""
    tests = [{"name": test_name(cr, t), "status": "pass" if t.status == "passed" else "fail",
              "score": t.score, "max_score": t.points, "line_no": 0,
              "message": "" if t.status == "passed" else clean_text(f"{STATUS_LABEL[t.status]}: {t.message}", 300)}
             for cr in results for t in cr.tests]
    return {"version": 1, "status": "pass" if all(t["status"] == "pass" for t in tests) else "fail",
            "max_score": sum(t["max_score"] for t in tests), "tests": tests}


def write_classroom_output(results, report_dir):
    """classroom.json beside results.json, and `result=<base64>` on $GITHUB_OUTPUT when a workflow runs it."""
    payload = json.dumps(classroom_payload(results), ensure_ascii=False)
    _write_atomically(os.path.join(report_dir, "classroom.json"), payload.encode("utf-8"))
    output = os.environ.get("GITHUB_OUTPUT")
    if output:
        with open(output, "a") as f:
            f.write("result=" + base64.b64encode(payload.encode("utf-8")).decode("ascii") + "\n")
    score, maximum = sum(r.score for r in results), sum(r.max_score for r in results)
    print(f"Points {score}/{maximum}", flush=True)


def write_reports(results, report_dir, execution_time=0.0):
    os.makedirs(report_dir, exist_ok=True)
    report = json.dumps(gradescope_report(results, execution_time), indent=2, ensure_ascii=False) + "\n"
    _write_atomically(os.path.join(report_dir, "results.json"), report.encode("utf-8"))
    _write_atomically(os.path.join(report_dir, "junit.xml"), junit_report(results))
