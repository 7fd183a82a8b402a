var unusedThing = 1;
