// Internal to the harness: the two ends of the hand-over stream (tests/harness/handover.hpp).
#pragma once
#include <optional>
#include <string>

namespace wb::handover {

// The learner's process (tests/harness/record_main.cpp).
void set_output(int fd);
void send_end();
void send_stub(const std::string& function);
void send_exception(const std::string& message);

// The judge's process (tests/harness/graded_main.cpp).
void set_input(std::string bytes);
/// The reference's hand-over of the same test (its unseen-input run), or nullopt when there is none.
void set_reference_input(std::optional<std::string> bytes);
bool judging();
/// After a body that ran to its end without a failure: "" when the learner's stream ended there too,
/// else what is wrong with it.
std::string finish();

}  // namespace wb::handover
