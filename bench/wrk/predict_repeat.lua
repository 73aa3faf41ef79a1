-- POST /api/v1/predict with one NSL-KDD record (a neptune SYN flood: attack, HIGH, folds into one alert):
-- parse, score, alert decision, enqueue for storage.
wrk.method = "POST"
wrk.path = "/api/v1/predict"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"duration":0,"protocol_type":"tcp","service":"private","flag":"REJ","src_bytes":0,"dst_bytes":0,' ..
  '"land":0,"wrong_fragment":0,"urgent":0,"hot":0,"num_failed_logins":0,"logged_in":0,"num_compromised":0,' ..
  '"root_shell":0,"su_attempted":0,"num_root":0,"num_file_creations":0,"num_shells":0,"num_access_files":0,' ..
  '"num_outbound_cmds":0,"is_host_login":0,"is_guest_login":0,"count":229,"srv_count":10,"serror_rate":0,' ..
  '"srv_serror_rate":0,"rerror_rate":1,"srv_rerror_rate":1,"same_srv_rate":0.04,"diff_srv_rate":0.06,' ..
  '"srv_diff_host_rate":0,"dst_host_count":255,"dst_host_srv_count":10,"dst_host_same_srv_rate":0.04,' ..
  '"dst_host_diff_srv_rate":0.06,"dst_host_same_src_port_rate":0,"dst_host_srv_diff_host_rate":0,' ..
  '"dst_host_serror_rate":0,"dst_host_srv_serror_rate":0,"dst_host_rerror_rate":1,"dst_host_srv_rerror_rate":1}'
dofile("bench/wrk/report.lua")  -- run from the repository root
done = function(summary, latency, requests) report(summary, latency) end
