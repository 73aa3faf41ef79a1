// Work in progress: filled in by the engine engineer.
#include "vigil/ml/forest.hpp"
