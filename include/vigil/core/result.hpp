#pragma once
// Errors as values at module boundaries (std::expected is C++23; g++ 12 only ships it there).
#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace vigil {

enum class ErrorCode {
    kInvalidArgument,  // caller gave bad input (maps to HTTP 400)
    kNotFound,
    kTooLarge,         // input over a size limit (413)
    kIo,               // file or socket failure
    kFormat,           // a file or model was not in the expected format
    kMismatch,         // e.g. model features differ from the binary's
    kInternal,
};

struct Error {
    ErrorCode code = ErrorCode::kInternal;
    std::string message;
};

inline Error make_error(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}            // NOLINT(google-explicit-constructor)
    Result(Error error) : v_(std::move(error)) {}        // NOLINT(google-explicit-constructor)

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { assert(ok()); return std::get<0>(v_); }
    const T& value() const& { assert(ok()); return std::get<0>(v_); }
    T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const { assert(!ok()); return std::get<1>(v_); }

private:
    std::variant<T, Error> v_;
};

// Result<void> equivalent.
class [[nodiscard]] Status {
public:
    Status() = default;
    Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)
    static Status success() { return {}; }
    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const Error& error() const { assert(!ok_); return error_; }

private:
    Error error_;
    bool ok_ = true;
};

}  // namespace vigil
