package io.cellhub.dashboard;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import io.quarkus.qute.TemplateExtension;

/** {@code {topic.topicPath}} in templates: a topic as a URL path, each level percent-encoded: {@code /topics{topic.topicPath}}. */
@TemplateExtension
public final class TopicPaths {

    private TopicPaths() {
    }

    static String topicPath(String topic) {
        StringBuilder path = new StringBuilder();
        for (String level : topic.split("/", -1)) {
            path.append('/').append(URLEncoder.encode(level, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return path.toString();
    }
}
