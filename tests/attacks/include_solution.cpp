// Attack: compile the reference answer into the learner's file instead of writing one.
// expect: compile_error rejected
#include "solutions/01_attention/softmax.cpp"
