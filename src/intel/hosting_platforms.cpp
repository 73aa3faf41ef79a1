#include "vigil/intel/hosting_platforms.hpp"

#include <array>

namespace vigil::intel {
namespace {

// Free hosting, site builders, form/file/note sharing and shorteners: the names of the is_free_hosting
// feature's table (docs/features.md) plus user-content services of popular domains that phishing feeds
// abuse (forms.office.com, app.box.com, evernote.com notes, googleusercontent.com, ...).
constexpr std::array<std::string_view, 64> kPlatforms = {
    "000webhostapp.com", "appspot.com",       "azurewebsites.net", "blogspot.com",      "carrd.co",
    "docs.google.com",   "drive.google.com",  "duckdns.org",       "firebaseapp.com",   "forms.gle",
    "github.io",         "gitlab.io",         "glitch.me",         "godaddysites.com",  "herokuapp.com",
    "ipfs.io",           "jimdosite.com",     "mystrikingly.com",  "netlify.app",       "ngrok.io",
    "pages.dev",         "r2.dev",            "repl.co",           "sites.google.com",  "squarespace.com",
    "storage.googleapis.com", "surge.sh",     "vercel.app",        "web.app",           "webflow.io",
    "weebly.com",        "weeblysite.com",    "wixsite.com",       "wordpress.com",     "workers.dev",
    "yolasite.com",      "googleusercontent.com", "storage.cloud.google.com", "forms.office.com",
    "sway.office.com",   "onedrive.live.com", "1drv.ms",           "sharepoint.com",    "app.box.com",
    "dropbox.com",       "evernote.com",      "windows.net",       "secureserver.net",  "inmotionhosting.com",
    "wpengine.com",      "webnode.com",       "typeform.com",      "linktr.ee",         "disq.us",
    "tumblr.com",        "wix.com",           "ibb.co",            "bit.ly",            "bitly.com",
    "t.co",              "tinyurl.com",       "notion.site",       "canva.site",        "jotform.com"};

}  // namespace

bool is_user_content(std::string_view host, std::string_view canonical_path) {
    for (std::string_view p : kPlatforms) {
        if (!host.ends_with(p)) continue;
        if (host.size() == p.size()) return canonical_path != "/";
        if (host[host.size() - p.size() - 1] != '.') continue;
        // "www.weebly.com/" is the platform's own front page; "www.evernote.com/shard/..." is a user's note.
        if (host.size() == p.size() + 4 && host.starts_with("www.")) return canonical_path != "/";
        return true;
    }
    return false;
}

}  // namespace vigil::intel
