#include "net/munge_credential.hpp"

#include <munge.h>

#include <cstdlib>
#include <memory>

namespace asbb::net {

namespace {

struct CtxDeleter {
    void operator()(munge_ctx_t ctx) const { munge_ctx_destroy(ctx); }
};
using Ctx = std::unique_ptr<std::remove_pointer_t<munge_ctx_t>, CtxDeleter>;

Ctx make_ctx(const std::string& socket_path) {
    Ctx ctx(munge_ctx_create());
    if (ctx && !socket_path.empty()) {
        munge_ctx_set(ctx.get(), MUNGE_OPT_SOCKET, socket_path.c_str());
    }
    return ctx;
}

MungeStatus status_of(munge_err_t err) {
    switch (err) {
        case EMUNGE_SUCCESS:
            return MungeStatus::kOk;
        case EMUNGE_CRED_EXPIRED:
            return MungeStatus::kExpired;
        case EMUNGE_CRED_REPLAYED:
            return MungeStatus::kReplayed;
        case EMUNGE_SOCKET:
        case EMUNGE_TIMEOUT:
        case EMUNGE_SNAFU:
        case EMUNGE_NO_MEMORY:
            return MungeStatus::kUnavailable;
        default:
            // BAD_CRED, BAD_MAC, BAD_CIPHER, BAD_VERSION, BAD_ZIP, BAD_REALM,
            // CRED_INVALID, CRED_REWOUND, CRED_UNAUTHORIZED, BAD_ARG, ...
            return MungeStatus::kInvalid;
    }
}

}  // namespace

MungeIdentity decode_munge_credential(const std::string& credential,
                                      const std::string& socket_path) {
    MungeIdentity identity;
    if (credential.empty()) return identity;
    Ctx ctx = make_ctx(socket_path);
    if (!ctx) {
        identity.status = MungeStatus::kUnavailable;
        identity.message = "cannot create a munge context";
        return identity;
    }
    void* payload = nullptr;
    int payload_len = 0;
    uid_t uid = 0;
    gid_t gid = 0;
    const munge_err_t err =
        munge_decode(credential.c_str(), ctx.get(), &payload, &payload_len, &uid, &gid);
    std::free(payload);
    identity.status = status_of(err);
    if (identity.status == MungeStatus::kOk) {
        identity.uid = uid;
        identity.gid = gid;
    } else {
        identity.message = munge_strerror(err);
    }
    return identity;
}

Expected<std::string> encode_munge_credential(const std::string& socket_path, int ttl_s) {
    Ctx ctx = make_ctx(socket_path);
    if (!ctx) return make_error("cannot create a munge context");
    if (ttl_s > 0) munge_ctx_set(ctx.get(), MUNGE_OPT_TTL, ttl_s);
    char* credential = nullptr;
    const munge_err_t err = munge_encode(&credential, ctx.get(), nullptr, 0);
    if (err != EMUNGE_SUCCESS) {
        std::free(credential);
        return make_error(std::string("munge: ") + munge_strerror(err));
    }
    std::string text(credential);
    std::free(credential);
    return text;
}

}  // namespace asbb::net
