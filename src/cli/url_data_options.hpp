#pragma once
// Per-file data options shared by `vigil train url` and `vigil eval url`.
// Options given before a --data apply to that file; options after the last --data apply to it.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vigil/ml/url_dataset.hpp"

namespace vigil::cli {

inline constexpr const char* kDataOptionsHelp = R"(data options (given before a --data they apply to that file; after the last --data, to it):
  --url-col NAME        column with the URL (default: url)
  --label-col NAME      column with the label (default: label, else status)
  --positive VALUE      label value that means phishing (default: phishing, or 1 for 0/1 labels);
                        every other value is legitimate
  --all-positive        every row is phishing (a CSV's URL column or a plain list, one URL a line)
  --all-negative        every row is legitimate
  --domain-list         "rank,domain" or "domain" lines: each domain's homepage https://<domain>/ is
                        legitimate (auto-detected for files without a header)
  --homepages https|mixed   homepage form for domain lists (mixed: https/http/www./no scheme,
                        chosen per domain by a hash; default https)
  --domain-half train|heldout   keep only legitimate rows whose registrable domain falls in this
                        half of the domain hold-out (a hash of the domain); phishing rows are kept
  --only-domains LIST   keep only rows whose registrable domain is in the domain list LIST
                        (e.g. legitimate URLs of popular domains, for a false-positive test)
  --weight W            sample weight of this file's rows (default 1)
Files may be gzip-compressed (.gz). Known shapes are detected: url,label (1/0, PhishStorm;
phishing/legitimate, Ebbu2017), url,...,status (Hannousse 2021), rank,domain and domain lists.
)";

class DataOptionParser {
public:
    // Consumes argv[i] (and its value) if it is a data option or --data. Returns false if argv[i]
    // is not one; sets `error` when it is one but malformed.
    bool consume(int argc, char** argv, int& i, std::string& error);
    // Applies trailing options to the last file; error when there is no --data.
    std::optional<std::vector<ml::DataSpec>> finish(std::string& error);

private:
    std::vector<std::pair<std::string, std::string>> pending_;  // options not yet tied to a file
    std::vector<ml::DataSpec> specs_;
};

}  // namespace vigil::cli
