#ifndef BANDO_CSODIUM_SHIM_H
#define BANDO_CSODIUM_SHIM_H
#include <sodium.h>
#endif
