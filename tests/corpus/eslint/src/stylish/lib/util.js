const fs = require("fs");

function check(x) {
  if (x == NaN) {
    return true;
  }
  return false;
}

module.exports = { check };
