#pragma once

#include <string>
#include <vector>

namespace SQLite {
class Database;
}

namespace factory::store {

// The migration steps: step i brings a database from user_version i to i+1. Only ever append.
// A step may also run code after its SQL, in the same transaction (schema.cpp: code_of).
const std::vector<std::string>& migrations();

// Brings the database up to migrations().size(), one transaction per step. Throws a usage
// Error when the database was written by a newer factory.
void migrate(SQLite::Database& db);

// Throws that usage Error without changing anything: the first thing done with an opened file.
void refuse_newer_schema(SQLite::Database& db);

}  // namespace factory::store
