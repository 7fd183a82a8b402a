function greet(name, unused) {
  return "hi " + nam
}

module.exports = { greet };
