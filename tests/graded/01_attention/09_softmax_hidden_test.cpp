// A hidden graded test of exercise Softmax: graded by ./wb grade, the autograder and class grading, left out of
// handouts (every GRADED_TEST in a *_hidden_test.cpp file is; results.json gives it Gradescope's visibility
// "after_due_date").
#include <cfloat>

#include "chapters/01_attention/softmax.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(Softmax, ExtremeRowsStayFinite, 1,
            "Subtract each row's own maximum: its largest logit becomes exp(0) = 1 whatever the row holds, and "
            "nothing overflows.") {
    // the largest finite floats, the most negative one, and a gap of 1000 that only the row's max shift survives
    const Tensor p = LEARNER(softmax(Tensor({3, 2}, {FLT_MAX, FLT_MAX, -FLT_MAX, 0.0f, 0.0f, 1000.0f})));
    EXPECT_TENSOR_NEAR(p, Tensor({3, 2}, {0.5f, 0.5f, 0.0f, 1.0f, 0.0f, 1.0f}), tol::kExact);
}
