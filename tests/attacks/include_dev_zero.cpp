// Attack: `#include "/dev/zero"` makes the compiler read an endless file (it asked for 2 GiB in 10 s).
// The compiler sees no /dev/zero (bubblewrap), and every compile has 2 GiB of memory and 120 s of CPU.
// expect: compile_error
#include "/dev/zero"
#include "chapters/01_attention/softmax.hpp"
