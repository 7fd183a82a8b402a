#include "contract/boundary.hpp"
