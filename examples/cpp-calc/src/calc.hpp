#pragma once

// A tiny calculator, the sample project factory's e2e tests run on.
namespace calc {

// Returns the sum of a and b.
int add(int a, int b);

// Returns a minus b.
int sub(int a, int b);

}  // namespace calc
