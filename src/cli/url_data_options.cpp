#include "url_data_options.hpp"

#include <cstdlib>

namespace vigil::cli {
namespace {

// Options that take a value.
bool takes_value(std::string_view name) {
    return name == "--url-col" || name == "--label-col" || name == "--positive" || name == "--homepages" ||
           name == "--domain-half" || name == "--weight" || name == "--only-domains";
}

bool is_flag(std::string_view name) {
    return name == "--all-positive" || name == "--all-negative" || name == "--domain-list";
}

bool apply(ml::DataSpec& spec, std::string_view name, const std::string& value, std::string& error) {
    if (name == "--url-col") {
        spec.url_col = value;
    } else if (name == "--label-col") {
        spec.label_col = value;
        if (spec.labels == ml::LabelSource::kAuto) spec.labels = ml::LabelSource::kColumn;
    } else if (name == "--positive") {
        spec.positive = value;
        if (spec.labels == ml::LabelSource::kAuto) spec.labels = ml::LabelSource::kColumn;
    } else if (name == "--all-positive") {
        spec.labels = ml::LabelSource::kAllPositive;
    } else if (name == "--all-negative") {
        spec.labels = ml::LabelSource::kAllNegative;
    } else if (name == "--domain-list") {
        spec.labels = ml::LabelSource::kDomainList;
    } else if (name == "--homepages") {
        if (value == "https") spec.homepage_style = ml::HomepageStyle::kHttps;
        else if (value == "mixed") spec.homepage_style = ml::HomepageStyle::kMixed;
        else return error = "--homepages takes https or mixed", false;
    } else if (name == "--domain-half") {
        if (value == "train") spec.domain_half = ml::DomainHalf::kTrain;
        else if (value == "heldout") spec.domain_half = ml::DomainHalf::kHeldOut;
        else if (value == "all") spec.domain_half = ml::DomainHalf::kAll;
        else return error = "--domain-half takes train, heldout or all", false;
    } else if (name == "--only-domains") {
        spec.only_domains = value;
    } else if (name == "--weight") {
        char* end = nullptr;
        double w = std::strtod(value.c_str(), &end);
        if (end == value.c_str() || *end != '\0' || !(w > 0)) return error = "--weight needs a positive number", false;
        spec.weight = w;
    }
    return true;
}

}  // namespace

bool DataOptionParser::consume(int argc, char** argv, int& i, std::string& error) {
    std::string_view name = argv[i];
    if (name == "--data") {
        if (i + 1 >= argc) {
            error = "--data needs a file";
            return true;
        }
        ml::DataSpec spec;
        for (const auto& [opt, value] : pending_) apply(spec, opt, value, error);  // validated when given
        spec.path = argv[++i];
        specs_.push_back(std::move(spec));
        pending_.clear();
        return true;
    }
    if (!takes_value(name) && !is_flag(name)) return false;
    std::string value;
    if (takes_value(name)) {
        if (i + 1 >= argc) {
            error = std::string(name) + " needs a value";
            return true;
        }
        value = argv[++i];
    }
    ml::DataSpec scratch;
    if (!apply(scratch, name, value, error)) return true;
    pending_.emplace_back(std::string(name), std::move(value));
    return true;
}

std::optional<std::vector<ml::DataSpec>> DataOptionParser::finish(std::string& error) {
    if (specs_.empty()) {
        error = "no --data file given";
        return std::nullopt;
    }
    for (const auto& [name, value] : pending_) {
        if (!apply(specs_.back(), name, value, error)) return std::nullopt;
    }
    return specs_;
}

}  // namespace vigil::cli
