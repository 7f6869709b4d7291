// The chapter 05 layers are defined in their header; this file gives gan_layers a library to link.
#include "layers/gan_layers.hpp"
