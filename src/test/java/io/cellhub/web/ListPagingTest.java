package io.cellhub.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.cellhub.support.EmbeddedPartsResource;
import io.cellhub.support.MqttTestClient;
import io.cellhub.support.NotebookExercises;
import io.cellhub.support.SseTestClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.core.buffer.Buffer;

/**
 * Every list endpoint answers one bounded page and says where the next one is ({@code Link:
 * rel="next"}): following the links yields every item exactly once, in order, and a client that reads
 * only the first page still gets the body it always got.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPartsResource.class)
class ListPagingTest {

    private static final Pattern NEXT = Pattern.compile("<([^>]+)>; rel=\"next\"");
    private static final int TOPICS = 25;

    @ConfigProperty(name = EmbeddedPartsResource.BROKER_PORT)
    int brokerPort;

    @TestHTTPResource("/")
    URI base;

    MqttTestClient device;

    @BeforeEach
    void connect() {
        device = MqttTestClient.connect(brokerPort, "device-paging");
    }

    @AfterEach
    void disconnect() {
        device.close();
    }

    private void publishPagingTopics(String value) {
        for (int i = 0; i < TOPICS; i++) {
            device.publish("pagingtest/t" + i, value, 1, true);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(given().queryParam("filter", "pagingtest/#")
                .get("/api/topics").jsonPath().getList("payload")).hasSize(TOPICS).containsOnly(value));
    }

    private static List<String> expectedTopics() {
        return IntStream.range(0, TOPICS).mapToObj(i -> "pagingtest/t" + i).sorted().toList();
    }

    /** Follows the Link headers from {@code first}, collecting what {@code items} reads from each page. */
    private static List<Object> walk(String first, Function<JsonPath, List<?>> items, int maxPages) {
        List<Object> all = new ArrayList<>();
        String next = first;
        int pages = 0;
        while (next != null) {
            Response response = given().urlEncodingEnabled(false).get(next);
            response.then().statusCode(200);
            all.addAll(items.apply(response.jsonPath()));
            next = next(response);
            assertThat(++pages).as("pages followed from " + first).isLessThanOrEqualTo(maxPages);
        }
        return all;
    }

    private static String next(Response response) {
        String link = response.header("Link");
        if (link == null) {
            return null;
        }
        Matcher matcher = NEXT.matcher(link);
        assertThat(matcher.find()).as("Link header " + link).isTrue();
        return matcher.group(1);
    }

    @Test
    void topicsComeInPagesThatTogetherHoldEveryTopicOnce() {
        publishPagingTopics("1");
        Response first = given().urlEncodingEnabled(false).get("/api/topics?filter=pagingtest/%23&limit=10");
        assertThat(first.jsonPath().getList("topic")).hasSize(10);
        assertThat(next(first)).startsWith("/api/topics?").contains("filter=pagingtest/%23", "limit=10", "cursor=");

        List<Object> all = walk("/api/topics?filter=pagingtest/%23&limit=10", page -> page.getList("topic"), 3);
        assertThat(all).containsExactlyElementsOf(expectedTopics());
        // one page holding everything has no next page
        assertThat(next(given().urlEncodingEnabled(false).get("/api/topics?filter=pagingtest/%23&limit=25"))).isNull();
    }

    @Test
    void aClientThatReadsOnlyTheFirstPageGetsABoundedArray() {
        List<MqttTestClient.Outgoing> bulk = IntStream.range(0, 1_001)
                .mapToObj(i -> new MqttTestClient.Outgoing("pagingbulk/" + i, Buffer.buffer("x"))).toList();
        device.publishAllAcknowledged(bulk, 100);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/api/tree?prefix=pagingbulk&limit=1")
                .then().body("children", equalTo(1_001)));

        Response page = given().urlEncodingEnabled(false).get("/api/topics?filter=pagingbulk/%23");
        assertThat(page.jsonPath().getList("$")).as("the default page of /api/topics").hasSize(1_000);
        assertThat(next(page)).isNotNull();
        assertThat(walk(next(page), json -> json.getList("topic"), 1)).hasSize(1);
    }

    @Test
    void limitsOutsideTheBoundsAreProblemsThatSayTheBounds() {
        for (String path : List.of("/api/topics?limit=0", "/api/topics?limit=10001", "/api/tree?limit=1001",
                "/api/retained?limit=0", "/api/sessions?limit=0", "/api/snapshots?limit=1001", "/api/journal?limit=0",
                "/api/rules?limit=0", "/api/stream/clients?limit=0", "/api/cells?limit=201")) {
            given().get(path).then().statusCode(400).contentType("application/problem+json")
                    .body("detail", containsString("'limit' must be between 1 and"));
        }
        given().get("/api/snapshots?cursor=abc").then().statusCode(400).contentType("application/problem+json");
        given().get("/api/journal?cursor=abc").then().statusCode(400).contentType("application/problem+json");
        given().get("/api/cells?sort=size").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("name, lastSeen or alarm"));
    }

    @Test
    void aTreeLevelComesInPagesInNaturalOrder() {
        publishPagingTopics("1");
        JsonPath level = given().get("/api/tree?prefix=pagingtest&limit=10").jsonPath();
        assertThat(level.getInt("children")).isEqualTo(TOPICS);
        assertThat(level.getLong("topics")).isEqualTo(TOPICS);
        assertThat(level.getString("next")).isEqualTo("t9");

        List<Object> all = walk("/api/tree?prefix=pagingtest&limit=10", page -> page.getList("items.name"), 3);
        assertThat(all).containsExactlyElementsOf(IntStream.range(0, TOPICS).mapToObj(i -> "t" + i).toList());
    }

    @Test
    void retainedMessagesComeInPagesThatTogetherHoldEveryOneOnce() {
        publishPagingTopics("2");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(given().queryParam("filter", "pagingtest/#")
                .get("/api/retained").jsonPath().getList("topic")).hasSize(TOPICS));
        List<Object> all = walk("/api/retained?filter=pagingtest/%23&limit=7", page -> page.getList("topic"), 4);
        assertThat(all).containsExactlyInAnyOrderElementsOf(expectedTopics()).doesNotHaveDuplicates();
    }

    @Test
    void snapshotsTheirEntriesAndTheirDiffComeInPages() {
        NotebookExercises.awaitReady();
        publishPagingTopics("3");
        long before = take();
        publishPagingTopics("4");
        long after = take();

        List<Object> ids = walk("/api/snapshots?limit=1", page -> page.getList("id", Long.class), 300);
        assertThat(ids).contains(before, after).doesNotHaveDuplicates();
        assertThat(ids.indexOf(after)).as("newest first").isLessThan(ids.indexOf(before));

        List<Object> entries = walk("/api/snapshots/" + after + "?filter=pagingtest/%23&limit=10",
                page -> page.getList("entries.topic"), 3);
        assertThat(entries).containsExactlyInAnyOrderElementsOf(expectedTopics()).doesNotHaveDuplicates();

        List<Object> changed = walk("/api/snapshots/" + before + "/diff/" + after + "?limit=10",
                page -> page.getList("changed.topic"), 100);
        assertThat(changed).filteredOn(topic -> topic.toString().startsWith("pagingtest/"))
                .containsExactlyInAnyOrderElementsOf(expectedTopics()).doesNotHaveDuplicates();
        JsonPath firstPage = given().get("/api/snapshots/" + before + "/diff/" + after + "?limit=10").jsonPath();
        assertThat(firstPage.getList("added").size() + firstPage.getList("removed").size()
                + firstPage.getList("changed").size()).isEqualTo(10);
        assertThat(firstPage.getString("next")).isNotNull();
    }

    @Test
    void theJournalPagesBackwardsFromTheNewestMessages() {
        for (int i = 1; i <= 5; i++) {
            device.publish("pagingjournal/t", String.valueOf(i), 1, false);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(given().queryParam("topic", "pagingjournal/t")
                .get("/api/journal").jsonPath().getList("payload")).hasSize(5));
        Response newest = given().get("/api/journal?topic=pagingjournal/t&limit=2");
        assertThat(newest.jsonPath().getList("payload")).containsExactly("4", "5");
        List<Object> pages = walk("/api/journal?topic=pagingjournal/t&limit=2", page -> List.of(page.getList("payload")), 3);
        assertThat(pages).containsExactly(List.of("4", "5"), List.of("2", "3"), List.of("1"));
    }

    @Test
    void sessionsRulesAndStreamClientsComeInPages() {
        List<Object> sessions = walk("/api/sessions?limit=1", page -> page.getList("id"), 1_000);
        assertThat(sessions).contains("device-paging").doesNotHaveDuplicates().isSorted();

        List<Object> rules = walk("/api/rules?limit=1", page -> page.getList("name"), 100);
        assertThat(rules).containsExactlyElementsOf(given().get("/api/rules").jsonPath().getList("name"));
        assertThat(rules).contains("temperature", "cylinders");

        try (SseTestClient one = SseTestClient.fast(base, "pagingtest/#"); SseTestClient two = SseTestClient.fast(base, "#")) {
            List<Object> clients = walk("/api/stream/clients?limit=1", page -> page.getList("id", Long.class), 1_000);
            assertThat(clients).hasSizeGreaterThanOrEqualTo(2).doesNotHaveDuplicates();
        }
    }

    @Test
    void openApiDocumentsLimitCursorAndTheLinkHeaderOnEveryListEndpoint() {
        JsonPath openApi = given().get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath();
        for (String path : List.of("/api/topics", "/api/tree", "/api/retained", "/api/sessions", "/api/snapshots",
                "/api/snapshots/{id}", "/api/snapshots/{from}/diff/{to}", "/api/journal", "/api/rules",
                "/api/stream/clients", "/api/cells")) {
            Map<String, Object> get = openApi.getMap("paths.'" + path + "'.get");
            assertThat(get).as(path).isNotNull();
            JsonPath operation = new JsonPath(toJson(get));
            assertThat(operation.getList("parameters.name")).as(path).contains("limit", "cursor");
            assertThat(operation.getMap("responses.'200'.headers")).as(path).containsKey("Link");
        }
    }

    private static String toJson(Object value) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long take() {
        return given().contentType(ContentType.JSON).body(Map.of("label", "paging")).post("/api/snapshots")
                .then().statusCode(201).extract().jsonPath().getLong("id");
    }
}
