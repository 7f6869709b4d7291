#include "tests/harness/handover.hpp"

#include <unistd.h>

#include <cerrno>
#include <optional>
#include <stdexcept>

#include "tests/harness/handover_stream.hpp"

namespace wb::handover {

std::uint64_t type_id(const std::type_info& type) {
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a of the mangled name: the same on both sides
    for (const char* c = type.name(); *c; ++c) h = (h ^ static_cast<unsigned char>(*c)) * 1099511628211ull;
    return h;
}

// ---- the learner's side ------------------------------------------------------------------------

static int& out_fd() {
    static int fd = -1;
    return fd;
}

void set_output(int fd) { out_fd() = fd; }

static void write_all(const std::string& bytes) {
    if (out_fd() < 0) return;
    for (std::size_t done = 0; done < bytes.size();) {
        const ssize_t n = ::write(out_fd(), bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // a full disk or a closed descriptor: the judge sees a stream that ends early
        done += static_cast<std::size_t>(n);
    }
}

void send_value(unsigned line, std::uint64_t type, const std::string& payload) {
    Writer w;
    w.number<char>('V');
    w.number<std::uint32_t>(line);
    w.number<std::uint64_t>(type);
    w.size(payload.size());
    w.bytes(payload.data(), payload.size());
    write_all(w.str());
}

static void send_text(char kind, const std::string& text) {
    Writer w;
    w.number<char>(kind);
    w.size(text.size());
    w.bytes(text.data(), text.size());
    write_all(w.str());
}

void send_end() { write_all(std::string(1, 'E')); }
void send_stub(const std::string& function) { send_text('S', function); }
void send_exception(const std::string& message) { send_text('X', message.substr(0, 4000)); }

// ---- the judge's side --------------------------------------------------------------------------

namespace {
struct Stream {
    std::string data;
    std::size_t pos = 0;
    bool loaded = false;
};
Stream& stream() {
    static Stream s;
    return s;
}
/// The reference's run of the same test on the same drawn inputs (course mode's unseen-input tests).
Stream& reference_stream() {
    static Stream s;
    return s;
}
std::string& last_reference() {
    static std::string payload;
    return payload;
}

std::string read_text(Reader& r) {
    std::string text(r.count(1), '\0');
    r.bytes(text.data(), text.size());
    return text;
}

/// The fields of a value record after its kind byte (the same format in the learner's and the reference's stream).
struct ValueRecord {
    std::uint32_t line;
    std::uint64_t type;
    std::string payload;
};
ValueRecord read_value_fields(Reader& r) {
    ValueRecord v;
    v.line = r.number<std::uint32_t>();
    v.type = r.number<std::uint64_t>();
    v.payload = read_text(r);
    return v;
}
}  // namespace

void set_input(std::string bytes) {
    stream().data = std::move(bytes);
    stream().pos = 0;
    stream().loaded = true;
}

void set_reference_input(std::optional<std::string> bytes) {
    Stream& s = reference_stream();
    s.loaded = bytes.has_value();
    s.data = bytes ? std::move(*bytes) : std::string();
    s.pos = 0;
    last_reference().clear();
}

std::string receive_value(unsigned line, std::uint64_t type) {
    Stream& s = stream();
    const std::string where = "the value of line " + std::to_string(line);
    if (s.pos >= s.data.size())
        throw LearnerStopped(LearnerStopped::ended, "your code's process stopped before handing over " + where);
    Reader r(s.data.data() + s.pos, s.data.size() - s.pos);
    try {
        const char kind = r.number<char>();
        if (kind == 'S') throw LearnerStopped(LearnerStopped::stub, read_text(r));
        if (kind == 'X') throw LearnerStopped(LearnerStopped::threw, read_text(r));
        if (kind == 'E')
            throw LearnerStopped(LearnerStopped::malformed, "your code's process finished the test without " + where);
        if (kind != 'V') throw StreamError("an unknown record");
        ValueRecord got = read_value_fields(r);
        if (got.line != line || got.type != type)
            throw LearnerStopped(LearnerStopped::malformed,
                                 "out of step: the test wanted " + where + ", your code's process handed over the value of line " +
                                     std::to_string(got.line) + (got.type != type ? " (of another type)" : ""));
        s.pos = s.data.size() - r.left();
        if (reference_stream().loaded) last_reference() = receive_reference(line, type);
        return std::move(got.payload);
    } catch (const StreamError& e) {
        throw LearnerStopped(LearnerStopped::malformed, std::string("a malformed hand-over before ") + where + ": " + e.what());
    }
}

std::string receive_reference(unsigned line, std::uint64_t type) {
    // The reference is the workbook's own code: a stream it did not write in step is a fault of the grader.
    Stream& s = reference_stream();
    const std::string where = "the value of line " + std::to_string(line);
    if (!s.loaded) throw GraderFault("the grader has no reference run of this test: " + where + " has nothing to match");
    Reader r(s.data.data() + s.pos, s.data.size() - s.pos);
    try {
        if (r.left() == 0) throw StreamError("it ended before " + where);
        const char kind = r.number<char>();
        if (kind != 'V') throw StreamError("it stopped before " + where + (kind == 'X' || kind == 'S' ? ": " + read_text(r) : ""));
        ValueRecord got = read_value_fields(r);
        if (got.line != line || got.type != type) throw StreamError("out of step at " + where);
        s.pos = s.data.size() - r.left();
        return std::move(got.payload);
    } catch (const StreamError& e) {
        throw GraderFault(std::string("the reference's run of this test cannot be matched: ") + e.what());
    }
}

const std::string& last_reference_value() { return last_reference(); }
bool reference_loaded() { return reference_stream().loaded; }

std::string finish() {
    Stream& s = stream();
    if (s.pos >= s.data.size()) return "your code's process stopped before the end of the test";
    Reader r(s.data.data() + s.pos, s.data.size() - s.pos);
    try {
        const char kind = r.number<char>();
        if (kind == 'E' && r.left() == 0) return "";
        if (kind == 'S') return "a stub was reached after the test's last value: " + read_text(r);
        if (kind == 'X') return "threw an exception after the test's last value: " + read_text(r);
    } catch (const StreamError&) {
    }
    return "out of step: your code's process handed over more than the test used";
}

bool judging() { return stream().loaded; }

}  // namespace wb::handover
