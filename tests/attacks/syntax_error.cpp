// Attack (by accident): a file that does not compile; the chapter must still list all its points.
// expect: compile_error
#include "chapters/01_attention/softmax.hpp"

namespace wb {
Tensor softmax(const Tensor& x) { return x +* ; }
}  // namespace wb
